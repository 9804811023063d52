-- Every grouping set of a window aggregation must hold window_start and window_end (as Flink requires).
CREATE TABLE Bid (bidtime TIMESTAMP(3), price DOUBLE, item VARCHAR, supplier_id VARCHAR,
  WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
SELECT window_start, window_end, supplier_id, SUM(price) AS total_price
  FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  GROUP BY GROUPING SETS ((window_start, window_end, supplier_id), (supplier_id));
