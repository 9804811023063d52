-- Lookup joins (issue 11 item 5), Flink's LookupJoin: each order, when it is processed, joins the
-- rows of a table whose connector reads by key, here a bounded CSV file read into memory
-- ('csv.header' = 'false': fields by position, as Flink's CSV format). AS OF names a
-- processing-time attribute (PROCTIME()). SQLite tables: test/e2e/lookup-join.test.ts.
CREATE TABLE orders (id INT, product BIGINT, qty INT) WITH ('connector' = 'memory');
CREATE TABLE products (id BIGINT, name VARCHAR, price DOUBLE) WITH ('connector' = 'filesystem', 'path' = 'data/products.csv', 'format' = 'csv', 'csv.header' = 'false');
INSERT INTO orders VALUES (1, 1, 2), (2, 3, 1), (3, 9, 5), (4, NULL, 1), (5, 2, 4);

-- INNER: every product row of the key (3 has two); 9 and NULL match nothing.
SELECT o.id, p.name, o.qty * p.price AS total FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN products FOR SYSTEM_TIME AS OF o.pt AS p ON o.product = p.id;

-- LEFT with a residual: a row whose matches all fail it is padded with NULLs.
SELECT o.id, p.name FROM (SELECT *, PROCTIME() AS pt FROM orders) o LEFT JOIN products FOR SYSTEM_TIME AS OF o.pt AS p ON o.product = p.id AND p.price > 10;

EXPLAIN SELECT o.id, p.name FROM (SELECT *, PROCTIME() AS pt FROM orders) o LEFT JOIN products FOR SYSTEM_TIME AS OF o.pt AS p ON o.product = p.id AND p.price > 10;
