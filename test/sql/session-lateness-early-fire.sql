-- Early fire makes a SESSION query an updating changelog too: 'op' comes first and a session's
-- first result is +I. Partial results of open sessions are emitted every delay of processing
-- time; this whole file is read long before an hour passes, so no partial result appears: each
-- session's first result is its final one (+I). The -U/+U/-D rows come from the allowance.
-- The stream option 'allowed-lateness' applies to SESSION windows like to the others.
CREATE STREAM clicks (usr VARCHAR, page VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'memory', 'allowed-lateness' = '15s');

INSERT INTO clicks VALUES
  ('a', '/home', TIMESTAMP '2024-05-01 10:00:00'),
  ('b', '/home', TIMESTAMP '2024-05-01 10:00:01'),
  ('a', '/cart', TIMESTAMP '2024-05-01 10:00:06'),
  ('a', '/pay',  TIMESTAMP '2024-05-01 10:00:15'),
  ('a', '/item', TIMESTAMP '2024-05-01 10:00:03'),
  ('b', '/back', TIMESTAMP '2024-05-01 10:00:02'),
  ('a', '/exit', TIMESTAMP '2024-05-01 10:00:30'),
  ('b', '/lost', TIMESTAMP '2024-05-01 10:00:08');

SET 'table.exec.emit.early-fire.enabled' = 'true';
SET 'table.exec.emit.early-fire.delay' = '1h';
SELECT window_start, window_end, usr, COUNT(*) AS clicks
FROM TABLE(SESSION(TABLE clicks PARTITION BY usr, DESCRIPTOR(ts), INTERVAL '4' SECOND))
GROUP BY window_start, window_end, usr;
