-- LIMIT stops a query after n rows, on projections and on windowed aggregates.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT bidder, price FROM bids LIMIT 3;
SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND) LIMIT 2;
SELECT bidder FROM bids WHERE price IS NULL LIMIT 10;
SELECT bidder FROM bids LIMIT 0;
