-- UNION ALL (DESIGN.md §3 rule 6). The inputs are read round-robin, one batch per turn in branch
-- order; a batch size of 2 makes the interleaving visible in the output order.
CREATE STREAM bids (auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json');
CREATE STREAM events (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'data/late.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '2';

-- Output names come from the first branch; v (INT) and auction (BIGINT) widen to BIGINT.
SELECT k, v, ts FROM events WHERE v < 100
UNION ALL
SELECT channel, auction, ts FROM bids WHERE channel IS NOT NULL;

-- Parenthesised branches, and a derived table filtered by the outer query.
SELECT * FROM ((SELECT k AS name FROM events) UNION ALL (SELECT channel FROM bids)) AS u WHERE u.name = 'app';

-- A window over the union: its watermark is the minimum of the inputs' (events: ts - 1 s, bids:
-- ts - 5 s), so rows of events that would be late on their own are on time here.
SELECT src, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(x) AS total
FROM (SELECT 'events' AS src, ts, v AS x FROM events UNION ALL SELECT 'bids', ts, price FROM bids)
GROUP BY src, TUMBLE(ts, INTERVAL '10' SECOND);

-- The same window over events alone: its own watermark makes two of its rows late.
SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n
FROM events GROUP BY TUMBLE(ts, INTERVAL '10' SECOND);

-- EXPLAIN shows the union with its inputs; persistent queries accept a union too.
EXPLAIN SELECT src, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n
FROM (SELECT 'events' AS src, ts FROM events UNION ALL SELECT channel, ts FROM bids WHERE price > 1) u
GROUP BY src, TUMBLE(ts, INTERVAL '10' SECOND);
EXPLAIN INSERT INTO events SELECT k, v, ts FROM events UNION ALL SELECT channel, CAST(auction AS INT), ts FROM bids;
EXPLAIN CREATE STREAM merged WITH ('connector' = 'memory') AS SELECT k, ts FROM events UNION ALL SELECT channel, ts FROM bids;
