-- An ARRAY index must be an integer.
CREATE TABLE orders (id INT, tags ARRAY<STRING>) WITH ('connector' = 'filesystem', 'path' = 'data/orders-collections.jsonl', 'format' = 'json');
SELECT tags['a'] AS x FROM orders;
