-- DECIMAL(p, s) as Flink (issue 12): exact values at the column's scale (input rounded HALF_UP,
-- NULL beyond the precision: row 5's a), result types of + - * / % by Flink's rules (here a + b is
-- DECIMAL(13, 4), a * b DECIMAL(16, 6), a / b DECIMAL(20, 8), a % b DECIMAL(5, 4), a / 3
-- DECIMAL(21, 13)), printed with exactly s digits; overflow gives NULL; BIGINT exact to 2^63 - 1.
CREATE TABLE m (id INT, a DECIMAL(10, 2), b DECIMAL(5, 4), big BIGINT)
WITH ('connector' = 'filesystem', 'path' = 'data/decimals.jsonl', 'format' = 'json');

SELECT id, a, b, a + b AS s, a - b AS d, a * b AS p, a / b AS q, a % b AS r, a + 1 AS a1, a * 2 AS a2, a / 3 AS a3 FROM m;

SELECT id, CAST(a AS DECIMAL(4, 1)) AS c41, CAST(a AS DECIMAL(12, 1)) AS c121, CAST(a AS INT) AS ai, CAST(a AS DOUBLE) AS ad,
  CAST(a AS VARCHAR) AS av, CAST(b AS DECIMAL(3, 3)) AS b33, CAST(b * 1000 AS BIGINT) AS bi, -a AS na, ABS(b) AS ab FROM m;

SELECT id, a > 100 AS gt_int, a = 100 AS eq_int, b < 0.5 AS lt_double, a + 0.5 AS plus_double, big, big + 1 AS big1, big - 1 AS bigm1,
  big * 2 AS big2, big / 3 AS big3, CAST(big AS DECIMAL(20, 1)) AS bigd, CAST(big AS DOUBLE) AS bigf FROM m;

SELECT SUM(a) AS sa, AVG(a) AS aa, MIN(b) AS mn, MAX(b) AS mx, SUM(b) AS sb, AVG(b) AS ab, SUM(big) AS sbig, MIN(big) AS mnbig, MAX(big) AS mxbig, COUNT(*) AS n FROM m;

SELECT a, COUNT(*) AS n, SUM(b) AS sb FROM m GROUP BY a;

SELECT big, COUNT(*) AS n FROM m GROUP BY big;

SELECT CAST(12345.678 AS DECIMAL(38, 2)) AS r2, CAST('-0.005' AS DECIMAL(5, 2)) AS neg_half, CAST('123.456' AS DECIMAL(3, 1)) AS over,
  CAST(1 AS DECIMAL(38, 37)) / CAST(3 AS DECIMAL(38, 37)) AS third, CAST(9223372036854775807 AS DECIMAL(19, 0)) + 1 AS beyond_long,
  9223372036854775807 + id AS wraps, 99999999999999999999 AS dec_lit FROM m WHERE id = 1;

-- Mixed types in one representation: CASE/COALESCE branches, IN and BETWEEN against integers and doubles, UNION ALL of two scales.
SELECT id, CASE WHEN a > 1000 THEN a ELSE 7 END AS c, COALESCE(b, 1) AS co, a IN (100, -0.01) AS in_list, b BETWEEN 0 AND 1 AS btw FROM m;

SELECT a AS v FROM m WHERE id < 3 UNION ALL SELECT b AS v FROM m WHERE id < 3;
