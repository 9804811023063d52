-- SHOW CREATE TABLE of a view names the right command.
CREATE TABLE orders (item VARCHAR, n INT) WITH ('connector' = 'memory');
CREATE VIEW big AS SELECT item FROM orders WHERE n > 1;
SHOW CREATE TABLE big;
