-- String functions: keyword forms, code points (emoji are one character), NULL in → NULL out.
CREATE STREAM words (id INT, s VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory');

INSERT INTO words VALUES
  (1, '  Hello World  ', TIMESTAMP '2024-05-01 10:00:00'),
  (2, 'a😀b🎉c', TIMESTAMP '2024-05-01 10:00:01'),
  (3, NULL, TIMESTAMP '2024-05-01 10:00:02'),
  (4, 'xxabcxx', TIMESTAMP '2024-05-01 10:00:03');

SELECT id,
       TRIM(s) AS t,
       TRIM(LEADING FROM s) AS lt,
       TRIM(TRAILING 'x' FROM s) AS rt,
       TRIM(BOTH 'x' FROM s) AS bt,
       CHAR_LENGTH(s) AS n,
       CHARACTER_LENGTH(TRIM(s)) AS tn,
       UPPER(s) AS up,
       LOWER(s) AS low
FROM words;

SELECT id,
       SUBSTRING(s FROM 2 FOR 3) AS sub,
       SUBSTRING(s FROM -2) AS tail,
       SUBSTRING(s, 1, 1) AS first_char,
       POSITION('b' IN s) AS pos_b,
       POSITION('🎉' IN s) AS pos_party,
       REPLACE(s, 'x', '-') AS repl,
       LPAD(s, 9, '.') AS lp,
       RPAD(s, 9, '😀') AS rp,
       INITCAP(TRIM(s)) AS cap,
       REGEXP_EXTRACT(s, '([a-z])(.)', 2) AS second_after_letter,
       REGEXP_REPLACE(s, '[aeiou]', '*') AS masked,
       CONCAT(s, '!') AS bang,
       s || '?' AS q,
       COALESCE(s, 'none') AS c,
       NULLIF(id, 3) AS ni
FROM words;

-- LIKE, IN, BETWEEN, CASE with NULLs.
SELECT id,
       s LIKE '%b%' AS has_b,
       s NOT LIKE 'x_a%' AS not_xa,
       REPLACE(s, 'x', '_') LIKE '!_!_a%' ESCAPE '!' AS escaped,
       id IN (1, 3) AS odd_in,
       id NOT BETWEEN 2 AND 3 AS outside,
       CASE WHEN s IS NULL THEN 'null' WHEN CHAR_LENGTH(s) > 6 THEN 'long' ELSE 'short' END AS kind,
       CASE id WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS word
FROM words;
