-- HAVING filters groups after aggregation, including on an aggregate not in the SELECT list.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n
FROM bids
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)
HAVING COUNT(*) >= 2;

-- HAVING on SUM of an all-NULL group: NULL > 0 is unknown, so the group is dropped.
SELECT auction, SUM(price) AS s
FROM bids
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)
HAVING SUM(price) > 0 AND MAX(bidder) > 10;
