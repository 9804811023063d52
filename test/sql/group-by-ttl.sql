-- 'state.ttl': a key not updated for longer than the ttl (measured by the watermark) is dropped
-- from state silently, as in Flink: no -D is emitted, and a later row for it starts afresh with +I.
CREATE STREAM clicks (user_id BIGINT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');

INSERT INTO clicks VALUES
  (1, TIMESTAMP '2024-05-01 10:00:00'),
  (2, TIMESTAMP '2024-05-01 10:00:30'),
  (2, TIMESTAMP '2024-05-01 10:01:05'),
  (1, TIMESTAMP '2024-05-01 10:01:10'),
  (2, TIMESTAMP '2024-05-01 10:01:20');

SET 'execution.batch-size' = '1';
SET 'state.ttl' = '1min';
-- User 1 is idle from 10:00:00 until the watermark passes 10:01:00: at 10:01:05 its count is gone.
SELECT user_id, COUNT(*) AS clicks FROM clicks GROUP BY user_id;

-- With the default ttl (0: forever) the counts keep growing.
SET 'state.ttl' = '0';
SELECT user_id, COUNT(*) AS clicks FROM clicks GROUP BY user_id;
