-- A ranking function needs a bound on its result (Top-N), as in Flink.
CREATE STREAM bids (auction BIGINT, price DOUBLE) WITH ('connector' = 'memory');
SELECT auction, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bids;
