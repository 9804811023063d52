import { describe, expect, it } from 'vitest';
import { bind, bindError, catalog, columnsOf, explainSql } from './helpers.js';

const ORDERS = "CREATE STREAM orders (id INT, tags ARRAY<STRING>, attrs MAP<STRING, INT>, items ARRAY<ROW<sku STRING, qty INT>>) WITH (connector = 'memory')";
const cat = () => catalog(ORDERS);

describe('binding collections', () => {
  it('types subscripts, fields, constructors and CARDINALITY', () => {
    const plan = bind("SELECT tags[1] AS t, attrs['a'] AS a, items[1].qty AS q, items[1] AS it, ARRAY[1, 2.5] AS d, MAP['k', id] AS m, CARDINALITY(attrs) AS n FROM orders", cat());
    expect(plan.schema.columns.map((c) => `${c.name}: ${c.type}`)).toEqual([
      't: VARCHAR',
      'a: INT',
      'q: INT',
      'it: ROW<sku VARCHAR, qty INT>',
      'd: ARRAY<DOUBLE>',
      'm: MAP<VARCHAR, INT>',
      'n: INT',
    ]);
  });

  it('names UNNEST columns as Calcite does unless AS t (...) names them', () => {
    expect(columnsOf(bind('SELECT * FROM orders CROSS JOIN UNNEST(tags)', cat())).slice(4)).toEqual(['EXPR$0 VARCHAR']);
    expect(columnsOf(bind('SELECT * FROM orders CROSS JOIN UNNEST(attrs) WITH ORDINALITY', cat())).slice(4)).toEqual(['key VARCHAR', 'value INT', 'ordinality INT']);
    expect(columnsOf(bind('SELECT * FROM orders CROSS JOIN UNNEST(items) AS t', cat())).slice(4)).toEqual(['sku VARCHAR', 'qty INT']);
  });

  it('refuses what Flink refuses, pointing at the operand', () => {
    expect(bindError('SELECT MAX(tags) FROM orders', cat())).toMatchObject({ code: 'TYPE_MISMATCH', message: 'MAX does not accept ARRAY<VARCHAR>', text: 'tags' });
    expect(bindError("SELECT id FROM orders WHERE tags IN (ARRAY['a'])", cat())).toMatchObject({ code: 'TYPE_MISMATCH', text: 'tags' });
    expect(bindError('SELECT ELEMENT(attrs) FROM orders', cat())).toMatchObject({ code: 'TYPE_MISMATCH', message: 'ELEMENT needs an ARRAY, got MAP<VARCHAR, INT>' });
    expect(bindError('SELECT items[1].price FROM orders', cat())).toMatchObject({ code: 'UNKNOWN_COLUMN', message: "ROW<sku VARCHAR, qty INT> has no field 'price'", text: 'price' });
    expect(bindError('SELECT tags[1].x FROM orders', cat())).toMatchObject({ code: 'TYPE_MISMATCH', text: 'x' });
    expect(bindError("SELECT ARRAY[1, 'a'] FROM orders", cat())).toMatchObject({ code: 'TYPE_MISMATCH', text: "'a'" });
    expect(bindError('SELECT * FROM orders LEFT JOIN UNNEST(tags) AS t (x) ON t.x IS NULL', cat())).toMatchObject({ code: 'UNSUPPORTED', message: 'LEFT JOIN UNNEST needs the condition ON TRUE' });
    expect(bindError('SELECT * FROM UNNEST(ARRAY[1])', cat())).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('explains UNNEST over an updating input as an updating, stateless node', () => {
    const plan = explainSql('SELECT x FROM (SELECT id, COUNT(*) AS c FROM orders GROUP BY id) AS g CROSS JOIN UNNEST(ARRAY[g.c, g.id]) AS u (x)', cat());
    expect(plan).toContain('UnnestExec UNNEST(ARRAY[c, id]) expand=element columns=[x] changelog=updating state=none');
  });
});
