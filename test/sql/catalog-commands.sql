-- SHOW STREAMS, DESCRIBE, SET and EXPLAIN print tables / plans (JSON lines in json format).
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');
CREATE STREAM clicks (user_id BIGINT, url STRING, ts TIMESTAMP(3)) WITH ('connector' = 'memory');

SHOW STREAMS;
DESCRIBE bids;
DESCRIBE clicks;
SET 'execution.batch-size' = '2';
SET;
EXPLAIN SELECT auction, COUNT(*) AS n FROM bids WHERE price > 1 AND 1 = 1
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
EXPLAIN SELECT window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
DROP STREAM clicks;
SHOW STREAMS;
-- The batch size set above changes nothing in the results.
SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
