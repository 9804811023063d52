-- IN / EXISTS subqueries as semi and anti joins (issue 11), Flink's StreamingSemiAntiJoinOperator.
-- The inputs are read round-robin, one batch per turn (batch size 1), so rows of both sides
-- interleave and the changelog shows an anti join taking back a row when its match arrives.
CREATE STREAM orders (id BIGINT, customer VARCHAR, amount INT) WITH ('connector' = 'memory');
CREATE STREAM payments (order_id BIGINT, paid INT) WITH ('connector' = 'memory');
INSERT INTO orders VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 30), (NULL, 'dee', 40);
INSERT INTO payments VALUES (7, 1), (1, 10), (2, 5), (2, 15);
SET 'execution.batch-size' = '1';

-- A semi join of two append-only inputs is append-only: each order once, when its first payment exists.
SELECT id, customer FROM orders WHERE id IN (SELECT order_id FROM payments);
SELECT id, customer FROM orders o WHERE EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.paid >= o.amount / 2);

-- Anti joins are updating: an order is emitted while unpaid and retracted (-D) when its payment arrives.
SELECT id, customer FROM orders o WHERE NOT EXISTS (SELECT * FROM payments p WHERE p.order_id = o.id);

-- NOT IN follows SQL's NULL rule: dee's NULL id is UNKNOWN once payments is non-empty.
SELECT id, customer FROM orders WHERE id NOT IN (SELECT order_id FROM payments);

-- A NULL inside the subquery makes every NOT IN UNKNOWN: nothing remains.
SELECT id, customer FROM orders WHERE id NOT IN (SELECT id FROM orders WHERE amount > 30);

-- A subquery over an updating result (a GROUP BY): the semi join retracts with it.
SELECT customer FROM orders WHERE id IN (SELECT order_id FROM payments GROUP BY order_id HAVING SUM(paid) >= 20);

EXPLAIN SELECT id FROM orders o WHERE amount > 5 AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.paid > o.amount);
SET 'state.ttl' = '1 h';
EXPLAIN SELECT id FROM orders WHERE id NOT IN (SELECT order_id FROM payments);
