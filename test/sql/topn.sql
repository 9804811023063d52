-- Top-N (Flink's Rank): ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) in a subquery, bounded by
-- the rank outside. An updating result: inserting at rank r shifts the rows below it, each shifted
-- position a -U (old row, rank) then +U (new row, rank); a position filled the first time is +I.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SET 'execution.batch-size' = '1';
SELECT * FROM (
  SELECT auction, bidder, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn
  FROM bids
) WHERE rn <= 2;

-- Without the rank in the outer SELECT (Flink's "no ranking number"): only rows entering (+I) or
-- leaving (-D) the top 2 are emitted; a row moving from rank 1 to 2 emits nothing.
SELECT auction, bidder, price FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids
) t WHERE t.rn <= 2;

-- Deduplication: the first bid of each bidder (rn = 1 ordered by the time attribute ascending).
-- Insert-only, as Flink 2.2: each bidder's earliest bid once the watermark passes it; a late bid is dropped.
SELECT bidder, auction, ts FROM (
  SELECT bidder, auction, ts, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY ts ASC) AS rn FROM bids
) WHERE rn = 1;

-- Ranks 2..3 over the whole stream, with a further condition on the ranked rows; ties in price
-- keep arrival order.
SELECT rn, price, bidder FROM (
  SELECT price, bidder, ROW_NUMBER() OVER (ORDER BY price DESC, bidder) AS rn FROM bids WHERE channel <> 'x'
) WHERE rn BETWEEN 2 AND 3 AND bidder > 0;

EXPLAIN SELECT * FROM (
  SELECT auction, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids
) WHERE rn <= 3;

-- Top-N over an updating input (the per-auction totals): rows taken back leave the ranking.
SELECT * FROM (
  SELECT channel, total, ROW_NUMBER() OVER (ORDER BY total DESC) AS rn
  FROM (SELECT channel, SUM(price) AS total FROM bids GROUP BY channel)
) WHERE rn <= 2;

-- RANK and DENSE_RANK: peers (bids of one auction) share a rank; RANK skips after them, DENSE_RANK does not.
SELECT * FROM (
  SELECT auction, bidder, RANK() OVER (ORDER BY auction) AS r FROM bids
) WHERE r <= 2;
SELECT * FROM (
  SELECT auction, bidder, DENSE_RANK() OVER (ORDER BY auction) AS d FROM bids
) WHERE d <= 2;
