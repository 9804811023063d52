-- Grouping by two columns (one nullable): NULL keys form their own group.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT auction, channel, TUMBLE_END(ts, INTERVAL '10' SECOND) AS we, COUNT(*) AS n, SUM(price) AS s
FROM bids
GROUP BY auction, channel, TUMBLE(ts, INTERVAL '10' SECOND);

-- The same keys through the TVF, key order differing from the SELECT order.
SELECT channel, auction, window_start, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '30' SECOND))
GROUP BY auction, window_start, window_end, channel;
