-- SESSION windows with allowed lateness: a session fires when W >= window_end - 1 and is kept
-- until W >= window_end - 1 + the allowance (here 15 s). A row whose own window [ts, ts + gap)
-- is within the allowance joins or merges the kept sessions it overlaps, and the changed session
-- re-emits at once: -U old / +U new; a session absorbed by a merge retracts its result with -D.
-- A row beyond the allowance (ts + gap - 1 ms + 15 s <= W) is late: counted and sent to clicks$late.
-- Gap 4 s, watermark = ts - 1 s.
CREATE STREAM clicks (usr VARCHAR, page VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'memory');

INSERT INTO clicks VALUES
  ('a', '/home', TIMESTAMP '2024-05-01 10:00:00'),  -- a [00, 04)
  ('b', '/home', TIMESTAMP '2024-05-01 10:00:01'),  -- b [01, 05)
  ('a', '/cart', TIMESTAMP '2024-05-01 10:00:06'),  -- a [06, 10); W -> 05: a [00, 04) and b [01, 05) fire (+I)
  ('a', '/pay',  TIMESTAMP '2024-05-01 10:00:15'),  -- a [15, 19); W -> 14: a [06, 10) fires (+I)
  -- W = 14. [03, 07) bridges a [00, 04) and a [06, 10), both emitted and kept: one session
  -- [00, 10), complete, so at once: -D [06, 10), -U [00, 04), +U [00, 10).
  ('a', '/item', TIMESTAMP '2024-05-01 10:00:03'),
  -- Extends b [01, 05) to [01, 06): -U/+U.
  ('b', '/back', TIMESTAMP '2024-05-01 10:00:02'),
  -- W -> 29: a [15, 19) fires; a [00, 10) and b [01, 06) are purged (end - 1 ms + 15 s <= 29).
  ('a', '/exit', TIMESTAMP '2024-05-01 10:00:30'),
  -- 08 + 4 s - 1 ms + 15 s <= 29: late.
  ('b', '/lost', TIMESTAMP '2024-05-01 10:00:08');

SET 'table.exec.emit.allow-lateness' = '15s';
SELECT usr, SESSION_START(ts, INTERVAL '4' SECOND) AS ws, SESSION_END(ts, INTERVAL '4' SECOND) AS we,
       COUNT(*) AS clicks, LISTAGG(page) AS pages
FROM clicks
GROUP BY usr, SESSION(ts, INTERVAL '4' SECOND);

SELECT * FROM clicks$late;

-- HAVING over the changelog: a session that starts passing emits +I, the absorbed one (failing
-- before and after) nothing.
SELECT window_start, window_end, usr, COUNT(*) AS clicks
FROM TABLE(SESSION(TABLE clicks PARTITION BY usr, DESCRIPTOR(ts), INTERVAL '4' SECOND))
GROUP BY window_start, window_end, usr HAVING COUNT(*) >= 2;

-- Without the allowance the result is append-only again and both stragglers are late.
SET 'table.exec.emit.allow-lateness' = '0';
SELECT usr, SESSION_START(ts, INTERVAL '4' SECOND) AS ws, COUNT(*) AS clicks
FROM clicks
GROUP BY usr, SESSION(ts, INTERVAL '4' SECOND);
