-- CUMULATE windows (a windowing table function, as in Flink): within each 20 s period, windows
-- growing by 5 s: [0, 5), [0, 10), [0, 15), [0, 20). Watermark = ts - 2 s over data/late.jsonl:
-- 'a' 10:00:09 arrives at W = 10:00:11, after [0, 5) and [0, 10) completed, so it only counts in
-- [0, 15) and [0, 20); 'b' 10:00:19.999 arrives at W = 10:00:21, after every window of its period:
-- it is late (one note on stderr). v values are powers of two: each sum names its rows.
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl');

SELECT window_start, window_end, k, COUNT(*) AS n, SUM(v) AS s, MAX(v) AS mx
FROM TABLE(CUMULATE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND))
GROUP BY window_start, window_end, k;
