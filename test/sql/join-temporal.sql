-- Event-time temporal joins (issue 11), Flink's TemporalRowTimeJoinOperator: each order joins the
-- rate valid at its time (the latest version with ts <= the order's ts), emitted once the
-- watermark passes the order. rates is a versioned table: a PRIMARY KEY and a WATERMARK.
CREATE STREAM orders (id INT, currency VARCHAR, amount INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
CREATE STREAM rates (currency VARCHAR, rate INT, ts TIMESTAMP(3), PRIMARY KEY (currency) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO rates VALUES ('EUR', 114, TIMESTAMP '2024-01-01 10:00:00'), ('EUR', 116, TIMESTAMP '2024-01-01 10:00:10'), ('JPY', 1, TIMESTAMP '2024-01-01 10:00:05'), ('EUR', 119, TIMESTAMP '2024-01-01 10:00:20');
INSERT INTO orders VALUES (1, 'EUR', 2, TIMESTAMP '2024-01-01 10:00:02'), (2, 'EUR', 1, TIMESTAMP '2024-01-01 10:00:12'), (3, 'JPY', 50, TIMESTAMP '2024-01-01 10:00:01'), (4, 'USD', 3, TIMESTAMP '2024-01-01 10:00:15'), (5, 'EUR', 4, TIMESTAMP '2024-01-01 10:00:25');

-- INNER: order 3 comes before JPY's first version, order 4 has no USD rate: neither joins.
SELECT o.id, o.currency, o.amount * r.rate AS price, r.rate FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency;

-- LEFT: they are padded with NULL; the output is append-only and keeps the orders' time attribute.
SELECT o.id, r.rate, o.ts FROM orders AS o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON r.currency = o.currency;

EXPLAIN SELECT o.id, r.rate FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency AND r.rate > 100;
