CREATE STREAM clicks (user_id BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
SELECT user_id, COUNT(*) AS n
FROM clicks GROUP BY user_id, TUMBLE(ts, INTERVAL '1' MINUTE);
