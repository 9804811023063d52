-- Windowing TVF form: window_start / window_end / window_time, plural unit, string interval.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT window_start, window_end, window_time, auction,
       COUNT(*) AS n, COUNT(price) AS priced, SUM(price) AS total,
       AVG(price) AS mean, MIN(price) AS low, MAX(price) AS top
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS))
GROUP BY window_start, window_end, auction;

-- Window columns need not be selected; a string interval works too.
SELECT auction, MAX(bidder) AS last_bidder
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '20 seconds'))
GROUP BY window_start, window_end, auction;
