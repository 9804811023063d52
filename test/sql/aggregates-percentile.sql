-- APPROX_PERCENTILE(x, p): nearest rank (the smallest value with at least p·n values <= it);
-- exact for groups under 200 values, p = 0 and 1 are MIN and MAX. Bigger groups are summarized
-- by a bounded sketch (rank error about 1.7% of n), deterministic so a replay gives the same value.
CREATE STREAM lat (route VARCHAR, ms INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');

INSERT INTO lat VALUES
  ('a', 30, TIMESTAMP '2024-05-01 10:00:01'), ('a', 10, TIMESTAMP '2024-05-01 10:00:02'),
  ('a', 20, TIMESTAMP '2024-05-01 10:00:03'), ('a', NULL, TIMESTAMP '2024-05-01 10:00:04'),
  ('a', 50, TIMESTAMP '2024-05-01 10:00:05'), ('a', 40, TIMESTAMP '2024-05-01 10:00:06'),
  ('b', NULL, TIMESTAMP '2024-05-01 10:00:06');

SELECT route, APPROX_PERCENTILE(ms, 0.5) AS p50, APPROX_PERCENTILE(ms, 0.9) AS p90,
       APPROX_PERCENTILE(ms, 0) AS p0, APPROX_PERCENTILE(ms, 1) AS p100, APPROX_PERCENTILE(ms, 0.2) AS p20,
       APPROX_PERCENTILE(CAST(ms AS DOUBLE), 0.5) FILTER (WHERE ms > 10) AS p50_over_10
FROM lat
GROUP BY route, TUMBLE(ts, INTERVAL '1' MINUTE);

CREATE STREAM seq (v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'datagen', 'number-of-rows' = '20000', 'fields.v.kind' = 'sequence',
      'fields.v.start' = '1', 'fields.v.end' = '20000', 'fields.ts.start' = '2024-05-01 10:00:00');

-- 20000 values 1..20000: the true median is 10000, the 99th percentile 19800 (error bound ±2% of n = ±400).
SELECT COUNT(*) AS n, APPROX_PERCENTILE(v, 0.5) AS median, APPROX_PERCENTILE(v, 0.99) AS p99,
       APPROX_PERCENTILE(v, 0.5) BETWEEN 9600 AND 10400 AS median_ok,
       APPROX_PERCENTILE(v, 0.99) BETWEEN 19400 AND 20000 AS p99_ok
FROM seq
GROUP BY TUMBLE(ts, INTERVAL '1' DAY);
