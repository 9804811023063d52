CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');
SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction LIMIT 2;
