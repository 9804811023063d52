-- FIRST_VALUE / LAST_VALUE go by event time, not arrival: the 10:00:02 row arrives after the
-- 10:00:05 one (within the watermark delay) and is still first. Equal times: the earlier arrival
-- is first, the later is last. NULL values are skipped; FILTER picks the rows considered.
CREATE STREAM trades (sym VARCHAR, price DOUBLE, venue VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND) WITH ('connector' = 'memory');

INSERT INTO trades VALUES
  ('X', 10.0, 'n', TIMESTAMP '2024-05-01 10:00:05'),
  ('X', 11.0, 'l', TIMESTAMP '2024-05-01 10:00:09'),
  ('X', 9.5, 'n', TIMESTAMP '2024-05-01 10:00:02'),
  ('X', NULL, 'z', TIMESTAMP '2024-05-01 10:00:01'),
  ('X', 12.0, 'l', TIMESTAMP '2024-05-01 10:00:09'),
  ('X', 10.5, NULL, TIMESTAMP '2024-05-01 10:00:07'),
  ('Y', NULL, NULL, TIMESTAMP '2024-05-01 10:00:03');

SELECT sym, TUMBLE_END(ts, INTERVAL '1' MINUTE) AS w,
       FIRST_VALUE(price) AS open_price, LAST_VALUE(price) AS close_price,
       FIRST_VALUE(venue) AS first_venue, LAST_VALUE(venue) AS last_venue,
       FIRST_VALUE(price) FILTER (WHERE venue = 'l') AS first_l, LAST_VALUE(ts) AS last_ts
FROM trades
GROUP BY sym, TUMBLE(ts, INTERVAL '1' MINUTE);

-- The table-function form orders by the same time column.
SELECT window_start, sym, FIRST_VALUE(price) AS o, LAST_VALUE(price) AS c
FROM TABLE(TUMBLE(TABLE trades, DESCRIPTOR(ts), INTERVAL '5' SECONDS))
GROUP BY window_start, window_end, sym;
