-- Window joins (DESIGN.md §3 rule 8): the rows of the same window of both sides, joined when the
-- window completes (INNER, FULL); a join of two windowed aggregates (Nexmark q8's shape).
CREATE STREAM l (k INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
CREATE STREAM r (k INT, y INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO l VALUES (1, 10, TIMESTAMP '2024-05-01 10:00:01'), (2, 20, TIMESTAMP '2024-05-01 10:00:02'), (1, 11, TIMESTAMP '2024-05-01 10:00:06'), (3, 30, TIMESTAMP '2024-05-01 10:00:12');
INSERT INTO r VALUES (1, 100, TIMESTAMP '2024-05-01 10:00:03'), (1, 101, TIMESTAMP '2024-05-01 10:00:04'), (2, 200, TIMESTAMP '2024-05-01 10:00:07'), (4, 400, TIMESTAMP '2024-05-01 10:00:13');
SELECT L.k, L.x, R.y, L.window_start, L.window_end FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '5' SECOND)) L
  JOIN TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), INTERVAL '5' SECOND)) R ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k;
SELECT L.k, L.x, R.k AS rk, R.y, COALESCE(L.window_start, R.window_start) AS ws FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '5' SECOND)) L
  FULL JOIN TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), INTERVAL '5' SECOND)) R ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k;
EXPLAIN SELECT L.k, R.y FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '5' SECOND)) L
  LEFT JOIN TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), INTERVAL '5' SECOND)) R ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k;
-- Nexmark q8 shape: a join of two windowed aggregates.
SELECT a.k, a.n, b.total, a.window_start FROM
  (SELECT k, window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end) a
  JOIN (SELECT k, window_start, window_end, SUM(y) AS total FROM TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end) b
  ON a.k = b.k AND a.window_start = b.window_start AND a.window_end = b.window_end;
