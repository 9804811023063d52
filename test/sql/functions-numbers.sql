-- Numeric functions with NULLs, and CAST.
CREATE STREAM nums (i INT, d DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'memory');

INSERT INTO nums VALUES
  (7, 2.5, TIMESTAMP '2024-05-01 10:00:00'),
  (-7, -2.5, TIMESTAMP '2024-05-01 10:00:01'),
  (NULL, NULL, TIMESTAMP '2024-05-01 10:00:02'),
  (100, 1234.5678, TIMESTAMP '2024-05-01 10:00:03');

SELECT i, d,
       ABS(i) AS a, MOD(i, 3) AS m, SIGN(d) AS sg,
       ROUND(d) AS r0, ROUND(d, 2) AS r2, ROUND(d, -2) AS rm2,
       TRUNCATE(d, 1) AS t1, TRUNCATE(i, -1) AS ti,
       FLOOR(d) AS fl, CEIL(d) AS ce,
       POWER(i, 2) AS p, SQRT(ABS(d)) AS sq,
       ROUND(LN(ABS(d)), 4) AS ln, LOG10(100) AS lg, ROUND(EXP(1), 6) AS e,
       CAST(d AS INT) AS di, CAST(i AS VARCHAR) AS si, CAST(d AS VARCHAR) AS sd
FROM nums;
