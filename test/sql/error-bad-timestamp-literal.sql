CREATE STREAM clicks (user_id BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
SELECT user_id FROM clicks WHERE ts > TIMESTAMP '2024-02-30 10:00:00';
