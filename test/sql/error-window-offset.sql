-- A TUMBLE offset must be shorter than the window (Flink: abs(offset) < size).
CREATE TABLE orders (item VARCHAR, n INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
SELECT window_start, SUM(n) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '-25' HOUR)) GROUP BY window_start, window_end;
