-- OVER aggregates over event time (Flink's over-agg): each row once, when the watermark passes
-- its time, with the aggregates of its frame appended. Append-only. Reading r4 (10:00:06) moves
-- the watermark to 10:00:05, so r1..r3 are emitted. Lateness is Flink's, per partition: r5 (b,
-- 10:00:02) is after b's last emitted row (10:00:01), so it waits for the next watermark and is
-- emitted; without PARTITION BY, 10:00:03 was emitted already, so there it is late: counted,
-- dropped and routed to readings$late.
CREATE STREAM readings (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO readings VALUES
  ('a', 1, TIMESTAMP '2024-05-01 10:00:00'),
  ('b', 10, TIMESTAMP '2024-05-01 10:00:01'),
  ('a', 2, TIMESTAMP '2024-05-01 10:00:03'),
  ('a', 4, TIMESTAMP '2024-05-01 10:00:06'),
  ('b', 99, TIMESTAMP '2024-05-01 10:00:02'),
  ('a', 8, TIMESTAMP '2024-05-01 10:00:05.500'),
  ('a', 16, TIMESTAMP '2024-05-01 10:00:06'),
  ('b', 20, TIMESTAMP '2024-05-01 10:00:09');
SET 'execution.batch-size' = '1';

-- The current row and the one before it, per key; equal times in arrival order.
SELECT k, v, ts,
  SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s2,
  COUNT(*) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS n2
FROM readings;

-- The last three seconds of each key, peers of equal time included (RANGE).
SELECT k, v, ts,
  SUM(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW) AS s3,
  MAX(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW) AS m3
FROM readings WHERE v < 50;

-- No partition: one ordered sequence.
SELECT v, AVG(v) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS avg3 FROM readings;

EXPLAIN SELECT k, SUM(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) FROM readings;

-- The late row, once per query that dropped it.
SELECT * FROM readings$late;
