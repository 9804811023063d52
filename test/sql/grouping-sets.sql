-- GROUPING SETS, ROLLUP and CUBE: the examples of Flink's group-agg and window-agg pages. Each
-- grouping set is its own aggregation (an Expand below one aggregate keyed by the keys and the set),
-- the columns a set does not group are NULL in its rows.

-- Flink's group-agg page, over its VALUES table Products (here a memory table with the same rows).
-- Expected (as printed there, in any order): (supplier1, 4, 1) (supplier1, NULL, 2) (NULL, NULL, 4)
-- (supplier1, 3, 1) (supplier2, 3, 1) (supplier2, NULL, 2) (supplier2, 4, 1).
CREATE TABLE Products (supplier_id VARCHAR, product_id VARCHAR, rating INT) WITH ('connector' = 'memory');
INSERT INTO Products VALUES
  ('supplier1', 'product1', 4),
  ('supplier1', 'product2', 3),
  ('supplier2', 'product3', 3),
  ('supplier2', 'product4', 4);

SET 'execution.batch-size' = '4';
SELECT supplier_id, rating, COUNT(*) AS total
FROM Products
GROUP BY GROUPING SETS ((supplier_id, rating), (supplier_id), ());

-- ROLLUP (supplier_id, rating) is the same three sets; CUBE every subset of its columns.
SELECT supplier_id, rating, COUNT(*) FROM Products GROUP BY ROLLUP (supplier_id, rating);
SELECT supplier_id, rating, product_id, COUNT(*) FROM Products GROUP BY CUBE (supplier_id, rating, product_id);

-- GROUPING / GROUPING_ID: 1 for a column the row's set does not group (the first argument the high bit).
SELECT supplier_id, rating, GROUPING(supplier_id) AS g_s, GROUPING(rating) AS g_r, GROUPING_ID(supplier_id, rating) AS gid, COUNT(*) AS n
FROM Products
GROUP BY supplier_id, ROLLUP (rating)
HAVING GROUPING(rating) = 1 OR rating > 3;

-- A duplicate set makes its rows twice; () alone is the global aggregate.
SELECT supplier_id, COUNT(*) AS n FROM Products GROUP BY GROUPING SETS ((supplier_id), (supplier_id));
SELECT COUNT(*) AS n, SUM(rating) AS total FROM Products GROUP BY ();

EXPLAIN SELECT supplier_id, rating, COUNT(*) AS total FROM Products GROUP BY GROUPING SETS ((supplier_id, rating), (supplier_id), ());

-- Flink's window-agg page, over its Bid table. Expected (printed there, per window):
-- 08:00-08:10: (NULL, 11.00) (supplier2, 5.00) (supplier1, 6.00); 08:10-08:20: (NULL, 10.00) (supplier2, 9.00) (supplier1, 1.00).
CREATE TABLE Bid (bidtime TIMESTAMP(3), price DOUBLE, item VARCHAR, supplier_id VARCHAR,
  WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO Bid VALUES
  (TIMESTAMP '2020-04-15 08:05:00', 4.00, 'C', 'supplier1'),
  (TIMESTAMP '2020-04-15 08:07:00', 2.00, 'A', 'supplier1'),
  (TIMESTAMP '2020-04-15 08:09:00', 5.00, 'D', 'supplier2'),
  (TIMESTAMP '2020-04-15 08:11:00', 3.00, 'B', 'supplier2'),
  (TIMESTAMP '2020-04-15 08:13:00', 1.00, 'E', 'supplier1'),
  (TIMESTAMP '2020-04-15 08:17:00', 6.00, 'F', 'supplier2');

SELECT window_start, window_end, supplier_id, SUM(price) AS total_price
  FROM TABLE(
    TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  GROUP BY window_start, window_end, GROUPING SETS ((supplier_id), ());

-- ROLLUP: the same result.
SELECT window_start, window_end, supplier_id, SUM(price) AS total_price
  FROM TABLE(
    TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  GROUP BY window_start, window_end, ROLLUP (supplier_id);

-- CUBE: every subset of (supplier_id, item) per window.
SELECT window_start, window_end, item, supplier_id, SUM(price) AS total_price
  FROM TABLE(
    TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  GROUP BY window_start, window_end, CUBE (supplier_id, item);

-- GROUPING in a window aggregation.
SELECT window_start, supplier_id, GROUPING(supplier_id) AS g, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, ROLLUP (supplier_id);

EXPLAIN SELECT window_start, window_end, supplier_id, SUM(price) AS total_price
  FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  GROUP BY window_start, window_end, GROUPING SETS ((supplier_id), ());

-- Over a windowed result: GROUP BY its window's start and end (in every set) is a window aggregate
-- per that window; a set without them makes the whole GROUP BY a plain updating one.
CREATE VIEW per_item AS SELECT window_start AS ws, window_end AS we, supplier_id, item, SUM(price) AS p
  FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES)) GROUP BY window_start, window_end, supplier_id, item;
SELECT ws, we, supplier_id, SUM(p) AS p, GROUPING(ws, supplier_id) AS g FROM per_item GROUP BY ws, we, ROLLUP (supplier_id);
SELECT supplier_id, ws, SUM(p) AS p, GROUPING(ws) AS gw FROM per_item GROUP BY GROUPING SETS ((ws, we, supplier_id), (supplier_id));
