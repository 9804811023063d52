-- SHOW CREATE TABLE / VIEW print the statement as written; RESET puts settings back (Flink's names of them work too).
CREATE TABLE orders (item VARCHAR, n INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
CREATE VIEW big AS SELECT item, n FROM orders WHERE n > 1;
SHOW CREATE TABLE orders;
SHOW CREATE VIEW big;
SET 'table.exec.state.ttl' = '1 h';
SET 'execution.checkpointing.interval' = '30 s';
SET;
RESET 'state.ttl';
SET;
RESET;
SET;
