-- Rows a window query drops as late go to the in-memory side stream <stream>$late (same columns),
-- which SQL reads like any stream, quoted or not. Watermark = ts - 2 s; 10 s windows:
-- 'a' 10:00:09 arrives at W=10:00:11 and 'b' 10:00:19.999 at W=10:00:21, both late.
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl');

SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(v) AS s
FROM events
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND);

SELECT * FROM events$late;
SELECT k, v FROM "events$late" WHERE v > 10;
DESCRIBE events$late;
-- The side stream is not listed with the declared streams.
SHOW STREAMS;
