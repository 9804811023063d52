-- LISTAGG joins non-NULL strings in arrival order, with ',' by default (as Flink); NULL when
-- there is none. Non-string values need a CAST.
CREATE STREAM ev (k INT, tag VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');

INSERT INTO ev VALUES
  (1, 'b', TIMESTAMP '2024-05-01 10:00:03'),
  (1, 'a', TIMESTAMP '2024-05-01 10:00:01'),
  (1, NULL, TIMESTAMP '2024-05-01 10:00:02'),
  (1, '', TIMESTAMP '2024-05-01 10:00:04'),
  (1, 'c😀', TIMESTAMP '2024-05-01 10:00:05'),
  (2, NULL, TIMESTAMP '2024-05-01 10:00:05');

SELECT k, LISTAGG(tag) AS tags, LISTAGG(tag, ' | ') AS piped, LISTAGG(tag, '') FILTER (WHERE tag <> '') AS joined,
       LISTAGG(CAST(k AS VARCHAR), '-') AS ks
FROM ev
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND);
