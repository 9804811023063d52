-- Window Top-N, the examples of Flink's window-topn page: a ranking partitioned by window_start,
-- window_end, over a window aggregate's result or directly over a windowing TVF. Append-only:
-- each window is ranked once, when it completes.
CREATE TABLE Bid (bidtime TIMESTAMP(3), price DOUBLE, item VARCHAR, supplier_id VARCHAR,
  WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO Bid VALUES
  (TIMESTAMP '2020-04-15 08:05:00', 4.00, 'C', 'supplier1'),
  (TIMESTAMP '2020-04-15 08:07:00', 2.00, 'A', 'supplier1'),
  (TIMESTAMP '2020-04-15 08:09:00', 5.00, 'D', 'supplier2'),
  (TIMESTAMP '2020-04-15 08:11:00', 3.00, 'B', 'supplier2'),
  (TIMESTAMP '2020-04-15 08:13:00', 1.00, 'E', 'supplier1'),
  (TIMESTAMP '2020-04-15 08:17:00', 6.00, 'F', 'supplier2');

-- The top 3 suppliers of each 10-minute window by their total.
SELECT * FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) as rownum
    FROM (
      SELECT window_start, window_end, supplier_id, SUM(price) as price, COUNT(*) as cnt
      FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
      GROUP BY window_start, window_end, supplier_id
    )
  ) WHERE rownum <= 3;

-- The top 3 bids of each window, ranked over the TVF itself.
SELECT * FROM (
    SELECT bidtime, price, item, supplier_id, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) as rownum
    FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  ) WHERE rownum <= 3;

EXPLAIN SELECT * FROM (
    SELECT bidtime, price, item, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) as rownum
    FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  ) WHERE rownum <= 3;
