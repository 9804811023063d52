-- UNION (distinct), INTERSECT [ALL], EXCEPT [ALL] over streams, as Flink plans them: a union of
-- the inputs, a GROUP BY over every column (counting each side's rows) and a filter; the ALL forms
-- repeat each row min(l, r) / l - r times. The result is an updating changelog; NULLs are equal.
CREATE STREAM a (k VARCHAR, n INT) WITH ('connector' = 'memory');
CREATE STREAM b (k VARCHAR, n BIGINT) WITH ('connector' = 'memory');
INSERT INTO a VALUES ('x', 1), ('x', 1), ('x', 1), ('y', 2), (NULL, 3), (NULL, 3), ('z', NULL), ('z', NULL);
INSERT INTO b VALUES ('x', 1), ('x', 1), ('y', 5), (NULL, 3), ('z', NULL), ('w', 0);

-- UNION: every distinct row of either side once (n widens to BIGINT).
SELECT k, n FROM a UNION SELECT k, n FROM b;
SELECT k FROM a UNION DISTINCT SELECT k FROM b;

-- INTERSECT: rows in both (x 1, NULL 3, z NULL); ALL: min(l, r) copies (x 1 twice).
SELECT k, n FROM a INTERSECT SELECT k, n FROM b;
SELECT k, n FROM a INTERSECT ALL SELECT k, n FROM b;

-- EXCEPT: rows of a not in b (y 2); ALL: l - r copies (x 1 once, y 2, NULL 3 once, z NULL once).
SELECT k, n FROM a EXCEPT SELECT k, n FROM b;
SELECT k, n FROM a EXCEPT ALL SELECT k, n FROM b;

-- INTERSECT binds tighter than EXCEPT: a EXCEPT (b INTERSECT a), and b INTERSECT a holds every
-- k of a, so each row of a comes and goes again: nothing is left.
SELECT k FROM a EXCEPT SELECT k FROM b INTERSECT SELECT k FROM a;

-- Updating inputs (their -U / +U count down): (k, count) pairs of both sides. a counts x 3, y 1,
-- NULL 2, z 2; b counts x 2, y 1, NULL 1, z 1, w 1: only (y, 1) is in both.
SELECT k, c FROM (SELECT k, COUNT(*) AS c FROM a GROUP BY k)
INTERSECT
SELECT k, c FROM (SELECT k, COUNT(*) AS c FROM b GROUP BY k);

-- A set operation as a derived table, aggregated again.
SELECT COUNT(*) AS distinct_rows FROM (SELECT k, n FROM a UNION SELECT k, n FROM b) u;

EXPLAIN SELECT k, n FROM a INTERSECT ALL SELECT k, n FROM b;
EXPLAIN SELECT k FROM a UNION SELECT k FROM b;

-- Parenthesised operands; UNION ALL and EXCEPT go left to right: (a UNION ALL b) EXCEPT a holds b's
-- k values that a lacks (w).
(SELECT k FROM a) UNION (SELECT k FROM b);
SELECT k FROM a UNION ALL SELECT k FROM b EXCEPT SELECT k FROM a;
-- A derived table's columns renamed by its alias.
SELECT u.key FROM (SELECT k FROM b EXCEPT SELECT k FROM a) AS u(key);
