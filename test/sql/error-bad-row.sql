-- The default 'on-error' = 'fail' stops at the first malformed row, naming file and line.
CREATE STREAM readings (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'file', 'path' = 'data/bad.jsonl');
SELECT id FROM readings;
SELECT 'never reached' AS x FROM readings;
