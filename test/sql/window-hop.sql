-- HOP (sliding) windows in both syntaxes over data/late.jsonl: 10 s windows every 5 s,
-- watermark = ts - 2 s. 'a' 10:00:09 arrives at W = 10:00:11: window [0, 10) is complete but
-- [5, 15) is not, so the row only counts in [5, 15) (no late row). Likewise 'b' 10:00:19.999
-- misses [10, 20) and counts in [15, 25). v values are powers of two: each sum names its rows.
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl');

SELECT k, HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS ws,
       HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS we,
       HOP_ROWTIME(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS wt,
       COUNT(*) AS n, SUM(v) AS s
FROM events
GROUP BY k, HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND);

SELECT window_start, window_end, window_time, COUNT(*) AS n, SUM(v) AS s, MIN(k) AS first_k
FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end, window_time;

-- A slide that does not divide the size (slices of gcd = 1 s), and an offset of 1 s.
SELECT window_start, window_end, COUNT(*) AS n, SUM(v) AS s
FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '6' SECOND, INTERVAL '1' SECOND))
WHERE k = 'a'
GROUP BY window_start, window_end;
