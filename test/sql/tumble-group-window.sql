-- Group-window TUMBLE: start/end/rowtime helpers and all six aggregates per auction.
-- The 10:00:02 row arrives after 10:00:12 but within the 5 s delay, so it still counts.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT auction,
       TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start,
       TUMBLE_END(ts, INTERVAL '10' SECOND) AS window_end,
       TUMBLE_ROWTIME(ts, INTERVAL '10' SECOND) AS rowtime,
       COUNT(*) AS n, COUNT(price) AS priced, SUM(price) AS total,
       AVG(price) AS mean, MIN(price) AS low, MAX(price) AS top
FROM bids
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
