-- ARRAY, MAP and ARRAY<ROW> columns read from JSON (issue 12): subscripts, constructors,
-- CARDINALITY / ELEMENT, deep equality, CAST, and UNNEST (plain, of a MAP, of ARRAY<ROW>, WITH
-- ORDINALITY, LEFT JOIN ... ON TRUE, over an updating input).
CREATE TABLE orders (
  id INT,
  ts TIMESTAMP(3),
  tags STRING ARRAY,
  attrs MAP<STRING, STRING>,
  items ARRAY<ROW<sku STRING, qty INT>>,
  scores MAP<INT, INT>,
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'filesystem', 'path' = 'data/orders-collections.jsonl', 'format' = 'json');

SELECT id, tags, tags[1] AS first_tag, tags[0] AS zeroth, tags[3] AS third, attrs['color'] AS color,
       scores[2] AS s2, CARDINALITY(tags) AS n_tags, CARDINALITY(attrs) AS n_attrs,
       items[1].sku AS sku1, items[2].qty AS qty2
FROM orders;

SELECT id, ARRAY[id, id * 10] AS pair, MAP['id', id] AS m, tags = ARRAY['a', 'b', 'c'] AS abc,
       tags IS NULL AS no_tags, CAST(ARRAY[id] AS ARRAY<DOUBLE>) AS dbl, CAST(attrs AS STRING) AS attrs_text,
       ELEMENT(ARRAY[id]) AS only
FROM orders;

SELECT id, tag FROM orders CROSS JOIN UNNEST(tags) AS t (tag);

SELECT o.id, t.k, t.v FROM orders AS o CROSS JOIN UNNEST(o.attrs) AS t (k, v);

SELECT id, sku, qty, pos FROM orders CROSS JOIN UNNEST(items) WITH ORDINALITY AS t (sku, qty, pos);

SELECT id, tag FROM orders LEFT JOIN UNNEST(tags) AS t (tag) ON TRUE;

-- The watermark passes through UNNEST: a window over the unnested rows closes as usual.
CREATE VIEW tagged AS SELECT ts, tag FROM orders CROSS JOIN UNNEST(tags) AS t (tag);
SELECT window_start, tag, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE tagged, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, tag;

-- GROUP BY an array, and an aggregate over an array element.
SELECT tags, COUNT(*) AS n FROM orders GROUP BY tags;
SELECT tags[1] AS first_tag, MAX(CARDINALITY(items)) AS most_items FROM orders GROUP BY tags[1];

-- UNNEST over an updating input: each change expands to as many changes.
SELECT u.x, COUNT(*) AS n
FROM (SELECT tags[1] AS t, COUNT(*) AS c FROM orders GROUP BY tags[1]) AS g
CROSS JOIN UNNEST(ARRAY[g.c, g.c * 100]) AS u (x)
GROUP BY u.x;

EXPLAIN SELECT id, tag FROM orders CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t (tag, pos) WHERE pos > 1;
