-- Arithmetic, comparison, boolean and string concatenation, with NULL propagation.
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');

SELECT bidder,
       price * 2 + 1 AS doubled,
       auction - bidder AS diff,
       bidder / 4 AS int_div,
       bidder % 4 AS modulo,
       price / 2 AS half,
       -price AS neg,
       price >= 2.5 AS ge,
       auction <> 1 AS ne,
       price BETWEEN 1 AND 3 AS btw,
       channel IN ('web', 'app') AS known,
       channel || '/' || CAST(auction AS VARCHAR) AS label,
       (price > 3) IS NULL AS unknown_cmp,
       NOT (price > 3) OR channel = 'web' AS mix
FROM bids
WHERE bidder < 13;

SELECT 1 + 2 * 3 AS p, (1 + 2) * 3 AS q, 'a' || 'b' AS s, 7 / 2 AS i, 7.0 / 2 AS d,
       TRUE AND NULL AS tn, FALSE AND NULL AS fn, TRUE OR NULL AS tor, NULL IS NULL AS nn
FROM bids LIMIT 1;
