-- Window offsets (Flink's window TVF 4th argument), also negative: INTERVAL '-8' HOUR starts each
-- day window at 00:00 UTC+8 (16:00 UTC), as Flink's docs show for days in China.
CREATE TABLE orders (item VARCHAR, n INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
INSERT INTO orders VALUES ('c', 1, TIMESTAMP '2020-01-01 10:00:00'), ('a', 2, TIMESTAMP '2020-01-01 20:00:00'), ('b', 4, TIMESTAMP '2020-01-02 03:00:00');

SELECT window_start, window_end, SUM(n) AS total
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '-8' HOUR))
GROUP BY window_start, window_end;

SELECT window_start, window_end, SUM(n) AS total
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' DAY, INTERVAL '2' HOUR))
GROUP BY window_start, window_end;

-- HOP and CUMULATE take an offset too.
SELECT window_start, window_end, SUM(n) AS total
FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '12' HOUR, INTERVAL '1' DAY, INTERVAL '-8' HOUR))
GROUP BY window_start, window_end;

SELECT window_start, window_end, SUM(n) AS total
FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '12' HOUR, INTERVAL '1' DAY, INTERVAL '-8' HOUR))
GROUP BY window_start, window_end;
