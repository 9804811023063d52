-- Grouping sets with a group window (TUMBLE(...) in GROUP BY) are refused, as Flink cannot run them: use the window TVF.
CREATE TABLE Bid (bidtime TIMESTAMP(3), price DOUBLE, item VARCHAR, supplier_id VARCHAR,
  WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
SELECT supplier_id, COUNT(*) AS n FROM Bid GROUP BY TUMBLE(bidtime, INTERVAL '10' MINUTE), ROLLUP (supplier_id);
