-- A malformed 'allowed-lateness' option fails at CREATE STREAM, not when a query runs.
CREATE STREAM events (k VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
WITH ('connector' = 'memory', 'allowed-lateness' = 'soon');
