-- A memory stream fed by INSERT ... VALUES; in a script the stream ends once drained.
CREATE STREAM clicks (user_id BIGINT, url VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');

INSERT INTO clicks VALUES
  (1, '/a', TIMESTAMP '2024-05-01 10:00:05'),
  (2, '/b', TIMESTAMP '2024-05-01 10:00:30'),
  (1, '/c', TIMESTAMP '2024-05-01 10:01:10');
INSERT INTO clicks VALUES (2, NULL, TIMESTAMP '2024-05-01 10:01:59.999');

SELECT user_id, TUMBLE_END(ts, INTERVAL '1' MINUTE) AS minute_end, COUNT(*) AS clicks, COUNT(url) AS with_url
FROM clicks
GROUP BY user_id, TUMBLE(ts, INTERVAL '1' MINUTE);

SELECT url, user_id * 10 AS u FROM clicks;

-- TIMESTAMP literals compare with TIMESTAMP columns.
SELECT user_id, url FROM clicks WHERE ts >= TIMESTAMP '2024-05-01 10:00:30' AND ts < TIMESTAMP '2024-05-01 10:01:30';
