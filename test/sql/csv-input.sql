-- CSV input with a header row: empty fields are NULL, quoted fields may hold the delimiter.
CREATE STREAM trips (trip_id BIGINT, city VARCHAR, fare DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
WITH ('connector' = 'file', 'path' = 'data/trips.csv', 'format' = 'csv');

SELECT trip_id, city, fare, ts FROM trips;

SELECT city, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS minute, COUNT(*) AS trips, COUNT(fare) AS paid, SUM(fare) AS revenue
FROM trips
GROUP BY city, TUMBLE(ts, INTERVAL '1' MINUTE);
