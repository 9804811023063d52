-- Windows over SESSION window results. A GROUP BY of the sessions' own keys and window_start,
-- window_end over a session aggregate is, as in Flink, an append-only window aggregate whose rows
-- carry their window [start, end) (Flink's UnsliceAssigners.windowed), each result emitted once the
-- watermark passes window_end; over other keys (here: across users) it is Flink's plain updating
-- GROUP BY. Users a and b have the same session [10:00:00, 10:00:06), c one ending then too but
-- starting later; a window Top-N and a window join over the sessions use the same windows.
CREATE STREAM clicks (usr VARCHAR, page VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'memory');

INSERT INTO clicks VALUES
  ('a', '/home', TIMESTAMP '2024-05-01 10:00:00'),
  ('b', '/home', TIMESTAMP '2024-05-01 10:00:00'),
  ('c', '/home', TIMESTAMP '2024-05-01 10:00:01'),
  ('a', '/cart', TIMESTAMP '2024-05-01 10:00:02'),
  ('b', '/pay',  TIMESTAMP '2024-05-01 10:00:02'),
  ('c', '/pay',  TIMESTAMP '2024-05-01 10:00:02'),
  ('a', '/home', TIMESTAMP '2024-05-01 10:00:30'),
  ('b', '/back', TIMESTAMP '2024-05-01 10:00:31');

CREATE VIEW sessions AS
  SELECT window_start, window_end, usr, COUNT(*) AS clicks
  FROM TABLE(SESSION(TABLE clicks PARTITION BY usr, DESCRIPTOR(ts), INTERVAL '4' SECOND))
  GROUP BY window_start, window_end, usr;

EXPLAIN SELECT usr, window_start, window_end, SUM(clicks) AS clicks, COUNT(*) AS sessions FROM sessions GROUP BY usr, window_start, window_end;

SELECT usr, window_start, window_end, SUM(clicks) AS clicks, COUNT(*) AS sessions FROM sessions GROUP BY usr, window_start, window_end;

-- Across users: an updating GROUP BY (as Flink: the sessions' key is not among the GROUP BY keys).
EXPLAIN SELECT window_start, window_end, COUNT(*) AS users, SUM(clicks) AS clicks FROM sessions GROUP BY window_start, window_end;

SELECT window_start, window_end, COUNT(*) AS users, SUM(clicks) AS clicks FROM sessions GROUP BY window_start, window_end;

-- The group-window form, and a HAVING over the attached window.
SELECT usr, ws, we, MAX(n) AS n FROM (
  SELECT SESSION_START(ts, INTERVAL '4' SECOND) AS ws, SESSION_END(ts, INTERVAL '4' SECOND) AS we, usr, COUNT(*) AS n
  FROM clicks GROUP BY usr, SESSION(ts, INTERVAL '4' SECOND)) AS s
GROUP BY usr, ws, we HAVING MAX(n) > 1;

-- Sessions of one stream (no key), counted per window: attached too.
SELECT window_start, window_end, SUM(n) AS clicks FROM (
  SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION(TABLE clicks, DESCRIPTOR(ts), INTERVAL '4' SECOND))
  GROUP BY window_start, window_end)
GROUP BY window_start, window_end;

-- The busiest user of each session window (a window Top-N).
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY clicks DESC, usr) AS rn FROM sessions)
WHERE rn <= 1;

-- Users with the same session window (a window join).
SELECT l.usr, r.usr AS other, l.window_start, l.window_end
FROM sessions l JOIN sessions r ON l.window_start = r.window_start AND l.window_end = r.window_end AND l.usr < r.usr;
