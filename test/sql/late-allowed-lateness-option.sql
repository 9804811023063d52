-- Allowed lateness as a stream option: the stream's 'allowed-lateness' applies to every window over
-- it and takes precedence over the session setting. Same data as late-allowed-lateness.sql: with 5 s
-- both stragglers update their fired windows (-U/+U) and nothing reaches events$late.
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl', 'allowed-lateness' = '5s');

SET 'table.exec.emit.allow-lateness' = '1s';
SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(v) AS s
FROM events
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND);
SELECT * FROM events$late;
