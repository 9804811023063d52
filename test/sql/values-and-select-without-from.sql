-- SELECT without FROM and VALUES as a FROM item: bounded sources (one row; the VALUES rows),
-- as in Flink: each VALUES row is a projection of a one-row table, the rows a UNION ALL.
SELECT 'Hello World';
SELECT 1 + 1 AS x, 'a' || 'b' AS y, CAST(NULL AS INT) AS z;
SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (2, 'b'), (3, CAST(NULL AS VARCHAR))) AS t(id, name);
-- Types widen across rows as in a union: 1 and 2.5 are DOUBLE.
SELECT id * 2 AS twice FROM (VALUES (1), (2.5)) AS t(id) WHERE id > 0;
-- Without column aliases the columns are Flink's EXPR$0, EXPR$1.
SELECT * FROM (VALUES (1, 'one'), (2, 'two'));
SELECT name, COUNT(*) AS n FROM (VALUES (1, 'a'), (2, 'b'), (3, 'b')) AS t(id, name) GROUP BY name;
-- With a set operation.
SELECT x FROM (VALUES (1), (2), (2), (3)) AS l(x) EXCEPT ALL SELECT y FROM (VALUES (2), (4)) AS r(y);
CREATE STREAM s (id INT, tag VARCHAR) WITH ('connector' = 'memory');
INSERT INTO s VALUES (1, 'p'), (5, 'q');
-- Joined with a stream.
SELECT s.tag, t.name FROM s JOIN (VALUES (1, 'one'), (5, 'five')) AS t(id, name) ON s.id = t.id;
EXPLAIN SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name);
