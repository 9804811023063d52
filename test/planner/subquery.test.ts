/** IN / EXISTS subqueries: what is planned as a semi/anti join and what is refused, with which reason. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';

let eddy: Eddy;
beforeEach(async () => {
  eddy = await Eddy.open();
  await eddy.execute("CREATE STREAM a (k INT, x INT) WITH ('connector' = 'memory')");
  await eddy.execute("CREATE STREAM b (k INT, y INT) WITH ('connector' = 'memory')");
});
afterEach(async () => {
  await eddy.close();
});

const refusal = async (sql: string): Promise<{ code: string; message: string }> => {
  try {
    await eddy.query(sql).toArray();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error(`not refused: ${sql}`);
};

describe('subqueries in WHERE', () => {
  it('are refused outside the top-level AND of WHERE', async () => {
    expect(await refusal('SELECT k FROM a WHERE k > 1 OR k IN (SELECT k FROM b)')).toMatchObject({ code: 'UNSUPPORTED' });
    expect(await refusal('SELECT k IN (SELECT k FROM b) AS f FROM a')).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('a correlated IN is refused with EXISTS as the way', async () => {
    const r = await refusal('SELECT k FROM a WHERE k IN (SELECT k FROM b WHERE b.y = a.x)');
    expect(r.code).toBe('UNSUPPORTED');
    expect(r.message).toContain('correlated IN');
  });

  it('an IN subquery must select one column; EXISTS needs an equality with the outer query', async () => {
    expect(await refusal('SELECT k FROM a WHERE k IN (SELECT k, y FROM b)')).toMatchObject({ code: 'TYPE_MISMATCH' });
    expect((await refusal('SELECT k FROM a WHERE EXISTS (SELECT 1 FROM b)')).message).toContain('needs an equality');
    expect((await refusal('SELECT k FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.y > a.x)')).message).toContain('needs an equality');
    expect(await refusal("SELECT k FROM a WHERE k IN (SELECT CAST(y AS VARCHAR) FROM b)")).toMatchObject({ code: 'TYPE_MISMATCH' });
  });

  it('EXPLAIN names the join kind, keys and what bounds the state', async () => {
    const [r] = await eddy.execute('EXPLAIN SELECT k FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y < a.x)');
    const text = JSON.stringify(r);
    expect(text).toContain('JoinExec SEMI keys=[k = k] residual=(y < x)');
    expect(text).toContain('changelog=append');
    expect(text).toContain('state grows without limit');
  });
});
