-- A GROUP BY without a window is an updating result: a changelog whose first column `op` is
-- +I (new key), -U (the key's previous row) then +U (its new row). Batches of one row: one change per row.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SET 'execution.batch-size' = '1';
SELECT auction, COUNT(*) AS n, SUM(price) AS total, MAX(price) AS top
FROM bids
GROUP BY auction;

-- MAX(bidder) per channel often does not change: no -U/+U pair is emitted then.
SELECT channel, MAX(bidder) AS top_bidder FROM bids GROUP BY channel;

-- Mini-batch: a key touched several times in one batch emits one change for the whole batch.
SET 'execution.batch-size' = '4';
SELECT auction, COUNT(*) AS n, SUM(price) AS total, MAX(price) AS top
FROM bids
GROUP BY auction;

-- No GROUP BY: one global group; expressions over aggregates, WHERE, DISTINCT.
SET 'execution.batch-size' = '3';
SELECT COUNT(*) AS n, COUNT(DISTINCT auction) AS auctions, ROUND(AVG(price), 2) AS avg_price
FROM bids
WHERE bidder <> 13;

-- Keys by expression, and no aggregate at all (the distinct keys, each inserted once).
SELECT UPPER(channel) AS ch FROM bids GROUP BY UPPER(channel);
