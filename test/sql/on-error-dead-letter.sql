-- With 'on-error' = 'dead-letter' malformed rows are skipped as with 'skip', and routed, with their
-- file, line, raw text and reason, to the in-memory side stream <stream>$errors (like $late):
-- each malformed line once per session, however many queries read the file.
CREATE STREAM readings (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'file', 'path' = 'data/bad.jsonl', 'on-error' = 'dead-letter');

SELECT id FROM readings;
SELECT COUNT(*) AS n FROM readings GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE);
SELECT line, reason FROM readings$errors;
SELECT COUNT(*) AS n FROM "readings$errors" WHERE raw LIKE '%2024-05-01%';
SHOW STREAMS;
