-- Interval joins (DESIGN.md §3 rule 8): an equi-join plus time bounds on both time attributes.
-- Append-only; an outer side's unmatched row is emitted once the watermark frees it. Ship 3
-- (10:00:05) arrives after the combined watermark passed 10:00:14: it is late, counted and dropped.
CREATE STREAM orders (id BIGINT, amount INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
CREATE STREAM ships (order_id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO orders VALUES (1, 10, TIMESTAMP '2024-05-01 10:00:00'), (2, 20, TIMESTAMP '2024-05-01 10:00:01'), (3, 30, TIMESTAMP '2024-05-01 10:00:02'), (4, 40, TIMESTAMP '2024-05-01 10:00:20');
INSERT INTO ships VALUES (1, TIMESTAMP '2024-05-01 10:00:03'), (2, TIMESTAMP '2024-05-01 10:00:15'), (9, TIMESTAMP '2024-05-01 10:00:04'), (3, TIMESTAMP '2024-05-01 10:00:05');
SET 'execution.batch-size' = '1';
SELECT o.id, o.ts, s.ts AS shipped FROM orders o JOIN ships s ON o.id = s.order_id AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '5' SECOND;
SELECT o.id, s.order_id, s.ts FROM orders o FULL JOIN ships s ON o.id = s.order_id AND o.ts >= s.ts - INTERVAL '5' SECOND AND o.ts < s.ts;
EXPLAIN SELECT o.id, s.order_id, s.ts FROM orders o LEFT JOIN ships s ON o.id = s.order_id AND o.ts >= s.ts - INTERVAL '5' SECOND AND o.ts < s.ts;
SELECT TUMBLE_START(s.ts, INTERVAL '10' SECOND) AS w, COUNT(*) AS n FROM orders o JOIN ships s ON o.id = s.order_id AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '5' SECOND GROUP BY TUMBLE(s.ts, INTERVAL '10' SECOND);
-- The late shipment, once per query that dropped it.
SELECT * FROM ships$late;
