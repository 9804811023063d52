-- The new aggregates over HOP and SESSION windows, whose states are merged (HOP slices, bridged
-- sessions): results equal aggregating each window's rows directly.
CREATE STREAM ev (k VARCHAR, v INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'memory');

INSERT INTO ev VALUES
  ('a', 1, TIMESTAMP '2024-05-01 10:00:01'),
  ('a', 5, TIMESTAMP '2024-05-01 10:00:04'),
  ('a', 3, TIMESTAMP '2024-05-01 10:00:06'),
  ('a', 5, TIMESTAMP '2024-05-01 10:00:09'),
  ('a', 2, TIMESTAMP '2024-05-01 10:00:07'),
  ('a', NULL, TIMESTAMP '2024-05-01 10:00:12'),
  ('a', 8, TIMESTAMP '2024-05-01 10:00:30');

SELECT HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS w, COUNT(DISTINCT v) AS dv,
       APPROX_COUNT_DISTINCT(v) AS adv, VAR_POP(CAST(v AS DOUBLE)) AS var_pop, FIRST_VALUE(v) AS first_v,
       LAST_VALUE(v) AS last_v, LISTAGG(CAST(v AS VARCHAR), ' ') AS vs, APPROX_PERCENTILE(v, 0.5) AS med
FROM ev
GROUP BY HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND);

-- Sessions with a 4 s gap: 10:00:01, :04 open two sessions bridged by :06 ... ; 10:00:30 stands alone.
SELECT SESSION_START(ts, INTERVAL '4' SECOND) AS s, SESSION_END(ts, INTERVAL '4' SECOND) AS e,
       COUNT(DISTINCT v) AS dv, STDDEV_SAMP(CAST(v AS DOUBLE)) AS sd, FIRST_VALUE(v) AS first_v, LAST_VALUE(v) AS last_v,
       LISTAGG(CAST(v AS VARCHAR)) AS vs
FROM ev
GROUP BY SESSION(ts, INTERVAL '4' SECOND);
