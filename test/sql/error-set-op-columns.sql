CREATE STREAM a (k VARCHAR, n INT) WITH ('connector' = 'memory');
CREATE STREAM b (k VARCHAR) WITH ('connector' = 'memory');
SELECT k, n FROM a
EXCEPT ALL
SELECT k FROM b;
