-- Allowed lateness: a fired window is kept until W >= end - 1 + 5 s; a row within the allowance
-- updates it and the window re-emits its result as a retraction (-U old, +U new). The result is
-- an updating changelog, so 'op' comes first; first emissions are +I.
-- Watermark = ts - 2 s. 'a' 10:00:09 arrives at W=10:00:11: window [0,10) fired at W>=10:00:09.999
-- but is kept until 10:00:14.999, so it updates (a: n 2 -> 3). 'b' 10:00:19.999 arrives at
-- W=10:00:21 < 10:00:24.999: updates [10,20) (b: n 2 -> 3).
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl');

SET 'table.exec.emit.allow-lateness' = '5s';
SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(v) AS s
FROM events
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND);

-- Nothing was late beyond the allowance.
SELECT * FROM events$late;

-- With 1 s of allowance both are late again: 'a' 10:00:09 arrives at W=10:00:11 >= 10:00:10.999
-- and 'b' 10:00:19.999 at W=10:00:21 >= 10:00:20.999; they go to events$late.
SET 'table.exec.emit.allow-lateness' = '1s';
SELECT k, COUNT(*) AS n FROM events GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND) HAVING COUNT(*) > 1;
SELECT k, v FROM events$late;

-- HAVING over the changelog: a group that starts passing emits +I, one that stops passing -D.
SET 'table.exec.emit.allow-lateness' = '10s';
SELECT k, window_start, SUM(v) AS s
FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end HAVING SUM(v) > 5;
-- The emit settings show in SET once set.
SET;
