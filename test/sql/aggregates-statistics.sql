-- Variance and standard deviation: population and sample forms (STDDEV = STDDEV_SAMP,
-- VARIANCE = VAR_SAMP); the sample forms are NULL for a single value, all are NULL for none.
-- As Flink, they keep an integer argument's type (truncated), so CAST to DOUBLE for fractions.
-- Values near 1e9 differ only in their last digits: a stable algorithm still gets them exact.
CREATE STREAM m (sensor VARCHAR, v DOUBLE, n INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');

INSERT INTO m VALUES
  ('a', 2, 2, TIMESTAMP '2024-05-01 10:00:01'),
  ('a', 4, 4, TIMESTAMP '2024-05-01 10:00:02'),
  ('a', 4, 4, TIMESTAMP '2024-05-01 10:00:03'),
  ('a', 4, 4, TIMESTAMP '2024-05-01 10:00:04'),
  ('a', 5, 5, TIMESTAMP '2024-05-01 10:00:05'),
  ('a', 5, 5, TIMESTAMP '2024-05-01 10:00:06'),
  ('a', 7, 7, TIMESTAMP '2024-05-01 10:00:07'),
  ('a', 9, 9, TIMESTAMP '2024-05-01 10:00:08'),
  ('b', 1000000001, 1, TIMESTAMP '2024-05-01 10:00:01'),
  ('b', 1000000002, 2, TIMESTAMP '2024-05-01 10:00:02'),
  ('b', 1000000003, NULL, TIMESTAMP '2024-05-01 10:00:03'),
  ('c', 42, 42, TIMESTAMP '2024-05-01 10:00:09'),
  ('d', NULL, NULL, TIMESTAMP '2024-05-01 10:00:09');

SELECT sensor, COUNT(v) AS n_values,
       VAR_POP(v) AS var_pop, VAR_SAMP(v) AS var_samp, VARIANCE(v) AS variance,
       STDDEV_POP(v) AS sd_pop, STDDEV_SAMP(v) AS sd_samp, STDDEV(v) AS sd,
       VAR_SAMP(n) AS int_var_samp, STDDEV_POP(CAST(n AS DOUBLE)) AS sd_pop_n,
       STDDEV_POP(v) FILTER (WHERE v < 5) AS sd_small, VAR_POP(DISTINCT v) AS var_distinct
FROM m
GROUP BY sensor, TUMBLE(ts, INTERVAL '1' MINUTE);
