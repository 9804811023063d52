-- UNNEST of a column that is not an ARRAY or a MAP points at the argument.
CREATE TABLE orders (id INT, tags ARRAY<STRING>) WITH ('connector' = 'filesystem', 'path' = 'data/orders-collections.jsonl', 'format' = 'json');
SELECT x FROM orders CROSS JOIN UNNEST(id) AS t (x);
