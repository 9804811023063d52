-- OVER aggregates over every earlier row of the partition (Flink's RowTime*UnboundedPrecedingFunction).
-- No frame clause is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: the rows of equal time
-- (a at 10:00:06 twice) share one result. ROWS counts them one at a time, in arrival order.
CREATE STREAM readings (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO readings VALUES
  ('a', 1, TIMESTAMP '2024-05-01 10:00:00'),
  ('b', 10, TIMESTAMP '2024-05-01 10:00:01'),
  ('a', 2, TIMESTAMP '2024-05-01 10:00:03'),
  ('a', 4, TIMESTAMP '2024-05-01 10:00:06'),
  ('a', 8, TIMESTAMP '2024-05-01 10:00:05.500'),
  ('a', 16, TIMESTAMP '2024-05-01 10:00:06'),
  ('b', 20, TIMESTAMP '2024-05-01 10:00:09');
SET 'execution.batch-size' = '1';

-- The default frame: a running total per key, peers included.
SELECT k, v, ts, SUM(v) OVER (PARTITION BY k ORDER BY ts) AS total, COUNT(*) OVER (PARTITION BY k ORDER BY ts) AS n FROM readings;

-- ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: peers one at a time.
SELECT k, v, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS total FROM readings;

-- The short form, without a partition.
SELECT v, MAX(v) OVER (ORDER BY ts RANGE UNBOUNDED PRECEDING) AS top, AVG(v) OVER (ORDER BY ts RANGE UNBOUNDED PRECEDING) AS mean FROM readings;

EXPLAIN SELECT k, SUM(v) OVER (PARTITION BY k ORDER BY ts) FROM readings;
