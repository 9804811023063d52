-- 'state.ttl' bounds a set operation's state as a GROUP BY's (it is one): a row not seen for longer
-- than the ttl (measured by the watermark) is forgotten silently, so UNION emits it again with +I
-- when it comes back, as Flink's distinct aggregate under a state TTL does.
CREATE STREAM a (u BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
CREATE STREAM b (u BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
INSERT INTO a VALUES
  (1, TIMESTAMP '2024-05-01 10:00:00'),
  (2, TIMESTAMP '2024-05-01 10:00:30'),
  (1, TIMESTAMP '2024-05-01 10:00:40'),
  (2, TIMESTAMP '2024-05-01 10:01:35'),
  (1, TIMESTAMP '2024-05-01 10:02:00');
INSERT INTO b VALUES (3, TIMESTAMP '2024-05-01 10:03:00');

SET 'execution.batch-size' = '1';
SET 'state.ttl' = '1min';
-- The ttl clock is the watermark when a row is processed (as for GROUP BY, group-by-ttl.sql): 2
-- comes back at 10:01:35 while the watermark is still 10:00:40, so it is still known (no output);
-- 1, last updated at watermark 10:00:30, is dropped once the watermark passes 10:01:30, so its row
-- at 10:02:00 comes out again with +I.
SELECT u FROM a UNION SELECT u FROM b;

-- Without a ttl each row comes out once.
SET 'state.ttl' = '0';
SELECT u FROM a UNION SELECT u FROM b;
