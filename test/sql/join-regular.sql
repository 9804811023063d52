-- Regular joins (DESIGN.md §3 rule 8). The inputs are read round-robin, one batch per turn, so a
-- batch size of 1 alternates orders and payments row by row and the changelog shows Flink's
-- outer-join rules: the null-padded row first, retracted with -D when its match arrives.
CREATE STREAM orders (id BIGINT, customer VARCHAR, amount INT) WITH ('connector' = 'memory');
CREATE STREAM payments (order_id BIGINT, paid INT) WITH ('connector' = 'memory');
INSERT INTO orders VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 30), (NULL, 'dee', 40);
INSERT INTO payments VALUES (7, 1), (1, 10), (2, 5), (2, 15);
SET 'execution.batch-size' = '1';

-- An INNER join of two append-only inputs is append-only: no op column.
SELECT o.id, customer, paid FROM orders o JOIN payments p ON o.id = p.order_id;

-- LEFT: orders without a payment are padded with NULL, then retracted when one arrives.
SELECT o.id, customer, p.paid FROM orders AS o LEFT JOIN payments AS p ON o.id = p.order_id;

-- RIGHT and FULL OUTER; a residual condition is part of the match (payment 2/5 matches nothing).
SELECT o.id, p.order_id, p.paid FROM orders o RIGHT OUTER JOIN payments p ON o.id = p.order_id AND p.paid >= o.amount / 2;
SELECT * FROM orders o FULL JOIN payments p ON o.id = p.order_id;

-- A comma join with its condition in WHERE; the rest of WHERE filters the joined rows.
SELECT customer, paid FROM orders, payments WHERE id = order_id AND paid > 5;

-- Three inputs, one a derived table; an aggregate over the join retracts what the join retracts.
SELECT o.customer, t.total, q.paid FROM orders o
  JOIN (SELECT order_id, SUM(paid) AS total FROM payments GROUP BY order_id) t ON o.id = t.order_id
  JOIN payments q ON q.order_id = o.id;
SELECT customer, COUNT(paid) AS payments FROM orders o LEFT JOIN payments p ON o.id = p.order_id GROUP BY customer;

EXPLAIN SELECT o.id, p.paid FROM orders o LEFT JOIN payments p ON o.id = p.order_id AND p.paid > 1;
SET 'state.ttl' = '1 h';
EXPLAIN SELECT o.id, p.paid FROM orders o JOIN payments p ON o.id = p.order_id;
