CREATE STREAM a (k VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
CREATE STREAM b (k VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
SELECT k FROM a
UNION
SELECT k FROM b;
