-- CURRENT_WATERMARK(ts) is the watermark before each row: NULL until the first row has passed.
-- The watermark here is ts - 2 seconds, so rows more than 2 s out of order are late.
CREATE STREAM readings (sensor INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'memory');

INSERT INTO readings VALUES
  (1, TIMESTAMP '2024-05-01 10:00:10'),
  (2, TIMESTAMP '2024-05-01 10:00:09'),
  (3, TIMESTAMP '2024-05-01 10:00:20'),
  (4, TIMESTAMP '2024-05-01 10:00:12'),
  (5, TIMESTAMP '2024-05-01 10:00:19');

SELECT sensor, ts, CURRENT_WATERMARK(ts) AS wm FROM readings;

-- Flink's idiom for dropping late rows.
SELECT sensor FROM readings WHERE CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts);
