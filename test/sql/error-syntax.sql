CREATE STREAM s (a INT) WITH ('connector' = 'memory');
SELCT a FROM s;
