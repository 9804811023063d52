-- CSV has no form for an ARRAY column: refused when the table is declared.
CREATE TABLE t (id INT, tags ARRAY<STRING>) WITH ('connector' = 'filesystem', 'path' = 'data/trips.csv', 'format' = 'csv');
SELECT id FROM t;
