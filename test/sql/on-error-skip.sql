-- With 'on-error' = 'skip' malformed rows (wrong type, broken JSON, not an object, bad
-- timestamp) are skipped; the good rows still flow.
CREATE STREAM readings (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'file', 'path' = 'data/bad.jsonl', 'on-error' = 'skip');

SELECT id, ts FROM readings;
SELECT COUNT(*) AS n, SUM(id) AS s FROM readings GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
