-- [] on a value that is not an ARRAY or a MAP.
CREATE TABLE orders (id INT, tags ARRAY<STRING>) WITH ('connector' = 'filesystem', 'path' = 'data/orders-collections.jsonl', 'format' = 'json');
SELECT id[1] AS x FROM orders;
