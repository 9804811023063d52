-- NULL handling of aggregates: COUNT(*) counts rows, COUNT(x) and the others skip NULLs;
-- a group whose values are all NULL gives NULL for SUM/AVG/MIN/MAX and 0 for COUNT(x).
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT auction, COUNT(*) AS all_rows, COUNT(price) AS non_null, COUNT(channel) AS channels,
       SUM(price) AS s, AVG(price) AS a, MIN(price) AS mn, MAX(price) AS mx,
       MIN(channel) AS first_channel, MAX(channel) AS last_channel
FROM bids
WHERE auction = 2
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);

-- Aggregates over integer columns stay integers; like Flink, AVG of BIGINT truncates (106 / 9),
-- so a fractional average needs a CAST.
SELECT SUM(bidder) AS s, AVG(bidder) AS a, AVG(CAST(bidder AS DOUBLE)) AS exact_avg,
       MIN(bidder) AS mn, MAX(bidder) AS mx, COUNT(bidder) AS c
FROM bids
GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);
