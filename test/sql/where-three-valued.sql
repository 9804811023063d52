-- WHERE keeps a row only when the predicate is TRUE: NULL (unknown) filters the row out.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

-- price > 2 is unknown for NULL prices: those rows are dropped.
SELECT bidder, price FROM bids WHERE price > 2;
-- ... and so is its negation.
SELECT bidder, price FROM bids WHERE NOT (price > 2);
-- IS NULL / IS NOT NULL are never unknown.
SELECT bidder FROM bids WHERE price IS NULL;
SELECT bidder FROM bids WHERE channel IS NOT NULL AND price IS NOT NULL AND price <= 2.5;
-- TRUE OR unknown is TRUE; FALSE AND unknown is FALSE; NOT (FALSE AND unknown) is TRUE.
SELECT bidder, price, channel FROM bids WHERE channel = 'web' OR price > 5;
SELECT bidder FROM bids WHERE NOT (channel = 'nope' AND price > 100);
-- = NULL is always unknown.
SELECT bidder FROM bids WHERE channel = NULL;
SELECT bidder FROM bids WHERE channel <> 'web';
