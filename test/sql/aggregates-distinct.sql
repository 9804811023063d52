-- COUNT/SUM/AVG(DISTINCT x) count each non-NULL value once; APPROX_COUNT_DISTINCT is exact at this
-- size; DISTINCT and FILTER combine (the filter applies before the value enters the set).
CREATE STREAM visits (user_id BIGINT, page VARCHAR, ms INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');

INSERT INTO visits VALUES
  (1, '/a', 10, TIMESTAMP '2024-05-01 10:00:01'),
  (1, '/a', 10, TIMESTAMP '2024-05-01 10:00:02'),
  (2, '/b', 30, TIMESTAMP '2024-05-01 10:00:03'),
  (3, NULL, NULL, TIMESTAMP '2024-05-01 10:00:04'),
  (2, '/c', 20, TIMESTAMP '2024-05-01 10:00:05'),
  (4, '/a', 10, TIMESTAMP '2024-05-01 10:00:30'),
  (5, NULL, NULL, TIMESTAMP '2024-05-01 10:01:10');

SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w,
       COUNT(*) AS n, COUNT(page) AS pages, COUNT(DISTINCT page) AS distinct_pages,
       COUNT(DISTINCT user_id) AS users, APPROX_COUNT_DISTINCT(user_id) AS approx_users,
       SUM(ms) AS total, SUM(DISTINCT ms) AS distinct_total, AVG(DISTINCT ms) AS distinct_avg,
       COUNT(DISTINCT page) FILTER (WHERE user_id > 1) AS later_pages
FROM visits
GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
