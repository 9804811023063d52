-- HAVING over an updating result: a group that starts satisfying HAVING emits +I, one that stops
-- emits -D of its last emitted row, one that keeps satisfying it emits -U/+U.
CREATE STREAM trades (sym VARCHAR, qty INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');

INSERT INTO trades VALUES
  ('ACME', 4, TIMESTAMP '2024-05-01 10:00:00'),
  ('INIT', 20, TIMESTAMP '2024-05-01 10:00:01'),
  ('ACME', 7, TIMESTAMP '2024-05-01 10:00:02'),
  ('ACME', 1, TIMESTAMP '2024-05-01 10:00:03'),
  ('ACME', -5, TIMESTAMP '2024-05-01 10:00:04'),
  ('INIT', -15, TIMESTAMP '2024-05-01 10:00:05'),
  ('ACME', -1, TIMESTAMP '2024-05-01 10:00:06'),
  ('ACME', 20, TIMESTAMP '2024-05-01 10:00:07');

SET 'execution.batch-size' = '1';
SELECT sym, SUM(qty) AS net, COUNT(*) AS trades
FROM trades
GROUP BY sym
HAVING SUM(qty) >= 10;

-- The condition may use an aggregate that is not selected.
SELECT sym, COUNT(*) AS trades FROM trades GROUP BY sym HAVING MIN(qty) > 0;
