-- A watermark delay longer than the data never completes a window while reading; the end of
-- the bounded file raises the watermark to +infinity, so every window fires at the end.
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl', 'format' = 'json');

SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(v) AS s
FROM events
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND);

-- With a one-minute window the last (only) window is open until the input ends.
SELECT window_start, window_end, COUNT(*) AS n, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
