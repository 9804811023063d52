/** SELECT without FROM, VALUES and set operations through the embedding API (not only the shell or scripts). */
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';

describe('the API runs bounded queries without a declared stream', () => {
  it('SELECT without FROM gives one row and ends', async () => {
    const eddy = await Eddy.open();
    try {
      expect(await eddy.query("SELECT 1 + 1 AS x, 'Hello World' AS greeting").toArray()).toEqual([{ x: 2, greeting: 'Hello World' }]);
      expect(await eddy.query('SELECT 1').toArray()).toEqual([{ EXPR$0: 1 }]);
    } finally {
      await eddy.close();
    }
  });

  it('VALUES with column aliases, and a set operation over VALUES and a memory stream', async () => {
    const eddy = await Eddy.open();
    try {
      expect(await eddy.query("SELECT id, name FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name) WHERE id > 1").toArray()).toEqual([{ id: 2, name: 'b' }]);
      await eddy.execute("CREATE STREAM s (id INT) WITH ('connector' = 'memory')");
      const q = eddy.query('SELECT id FROM s EXCEPT SELECT x FROM (VALUES (2), (3)) AS v(x)');
      await eddy.insert('s', [{ id: 1 }, { id: 2 }, { id: 1 }, { id: null }]);
      eddy.end('s');
      const rows = await q.toArray();
      // Folded: 1 and NULL stay; 2 comes and goes (or never comes) depending on which input is read first.
      const live = new Map<string, number>();
      for (const r of rows) {
        const key = JSON.stringify(r['id']);
        live.set(key, (live.get(key) ?? 0) + (r['op'] === '+I' || r['op'] === '+U' ? 1 : -1));
      }
      expect([...live].filter(([, n]) => n > 0).map(([k]) => k).sort()).toEqual(['1', 'null']);
    } finally {
      await eddy.close();
    }
  });
});
