-- Processing-time attributes (PROCTIME()) and windows over them: their results depend on the wall
-- clock, so only the plans are golden here (the runs: test/e2e/proctime-windows.test.ts).
CREATE TABLE clicks (user_id BIGINT, url VARCHAR, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
DESCRIBE clicks;
EXPLAIN SELECT user_id, window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(pt), INTERVAL '10' SECOND)) GROUP BY user_id, window_start, window_end;
CREATE VIEW v AS SELECT *, PROCTIME() AS p_time FROM clicks;
EXPLAIN SELECT user_id, SESSION_START(p_time, INTERVAL '1' MINUTE), COUNT(*) FROM v GROUP BY user_id, SESSION(p_time, INTERVAL '1' MINUTE);
