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

  it('EXISTS / NOT EXISTS between two windowed sides paired on window_start and window_end is a window semi/anti join, append-only', async () => {
    await eddy.execute("CREATE STREAM l (k INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    await eddy.execute("CREATE STREAM r (k INT, y INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    const tumble = (t: string): string => `TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '5' SECOND))`;
    const on = 'L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k';
    for (const [not, kind] of [['', 'SEMI'], ['NOT ', 'ANTI']] as const) {
      const [r] = await eddy.execute(`EXPLAIN SELECT L.k, L.window_start FROM ${tumble('l')} L WHERE ${not}EXISTS (SELECT 1 FROM ${tumble('r')} R WHERE ${on} AND R.y > L.x)`);
      const text = JSON.stringify(r);
      expect(text).toContain(`WindowJoinExec ${kind} keys=[`);
      expect(text).toContain('residual=(y > x)');
      expect(text).not.toContain('changelog=updating');
    }
    // Without the window pairing it stays a regular anti join, updating.
    const [r] = await eddy.execute(`EXPLAIN SELECT L.k FROM ${tumble('l')} L WHERE NOT EXISTS (SELECT 1 FROM ${tumble('r')} R WHERE L.k = R.k)`);
    expect(JSON.stringify(r)).toContain('JoinExec ANTI');
  });
});
