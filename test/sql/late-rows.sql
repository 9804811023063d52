-- Rows for a window that the watermark already completed are dropped and counted on stderr.
-- Watermark = ts - 2 s; 10 s windows. 'a' 10:00:09 arrives at W=10:00:11 (window [0,10) done);
-- 'b' 10:00:19.999 arrives at W=10:00:21 (window [10,20) done). 'a' 10:00:20 is on time.
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl');

SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(v) AS s
FROM events
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND);

-- Without a window nothing is late: every row passes through.
SELECT k, v FROM events WHERE v >= 8;
