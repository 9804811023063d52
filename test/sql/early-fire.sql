-- Early fire makes a window query an updating changelog: 'op' comes first and first results are
-- +I. Partial results are emitted every delay of processing time; this whole file is read long
-- before an hour passes, so only the final results appear here (see README for a live example).
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl');
SET 'table.exec.emit.early-fire.enabled' = 'true';
SET 'table.exec.emit.early-fire.delay' = '1h';
SELECT k, window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
-- 'false' turns it off: an append-only result again, no op column.
SET 'emit.early-fire.enabled' = 'false';
SELECT k, window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY k, window_start, window_end;
