-- SESSION windows in both syntaxes. A session is a run of rows of one key less than the gap
-- apart; its window is [first ts, last ts + gap). Rows arrive out of order: 'a' 10:00:03.5 bridges
-- the sessions [10:00:00, 10:00:04) and [10:00:07, 10:00:11), which merge. Watermark = ts - 5 s.
CREATE STREAM clicks (usr VARCHAR, page VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'memory');

INSERT INTO clicks VALUES
  ('a', '/home', TIMESTAMP '2024-05-01 10:00:00'),
  ('b', '/home', TIMESTAMP '2024-05-01 10:00:01'),
  ('a', '/cart', TIMESTAMP '2024-05-01 10:00:07'),
  ('a', '/item', TIMESTAMP '2024-05-01 10:00:03.500'),
  ('b', NULL,    TIMESTAMP '2024-05-01 10:00:03'),
  ('b', '/pay',  TIMESTAMP '2024-05-01 10:00:09'),
  ('a', '/home', TIMESTAMP '2024-05-01 10:00:30'),
  -- W is now 10:00:25: the own window [10:00:02, 10:00:06) of this row is complete: late.
  ('b', '/late', TIMESTAMP '2024-05-01 10:00:02'),
  ('b', '/back', TIMESTAMP '2024-05-01 10:00:31');

SELECT usr, SESSION_START(ts, INTERVAL '4' SECOND) AS ws, SESSION_END(ts, INTERVAL '4' SECOND) AS we,
       SESSION_ROWTIME(ts, INTERVAL '4' SECOND) AS wt, COUNT(*) AS clicks, COUNT(page) AS pages, MAX(page) AS last_page
FROM clicks
GROUP BY usr, SESSION(ts, INTERVAL '4' SECOND);

SELECT window_start, window_end, usr, COUNT(*) AS clicks
FROM TABLE(SESSION(TABLE clicks PARTITION BY usr, DESCRIPTOR(ts), INTERVAL '4' SECOND))
GROUP BY window_start, window_end, usr;

-- No key: one session stream over every user.
SELECT window_start, window_end, COUNT(*) AS clicks
FROM TABLE(SESSION(TABLE clicks, DESCRIPTOR(ts), INTERVAL '4' SECOND))
GROUP BY window_start, window_end;
