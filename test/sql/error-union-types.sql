CREATE STREAM a (k VARCHAR, v INT, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
CREATE STREAM b (k VARCHAR, label VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
SELECT k, v, ts FROM a
UNION ALL
SELECT k, label, ts FROM b;
