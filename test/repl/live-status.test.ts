/** The status line's text, the table result mode's materialized view, tab completion and the continuation prompt, as functions. */
import { describe, expect, it } from 'vitest';
import { formatStatus, humanDuration } from '../../repl/live-status.js';
import { TableView } from '../../repl/table-view.js';
import { shellCompleter } from '../../repl/completer.js';
import { continuationPrompt } from '../../repl/shell.js';
import { Catalog } from '../../src/planner/catalog.js';
import type { QueryMetrics } from '../../src/runtime/running-query.js';

const T = Date.UTC(2026, 11, 2, 14, 0, 0);
const metrics = (over: Partial<QueryMetrics>): QueryMetrics => ({ rowsIn: 0, rowsOut: 0, lateRows: 0, skippedRows: 0, watermark: -Infinity, nextWindowEnd: null, bytes: null, busyMs: 0, ...over });

describe('the status line', () => {
  it('gives rows read and their rate, the watermark as a time, the next window and about when, late rows', () => {
    const prev = { at: 1000, metrics: metrics({ rowsIn: 1000, watermark: T }) };
    const cur = { at: 2000, metrics: metrics({ rowsIn: 3000, watermark: T + 1000, nextWindowEnd: T + 5001, lateRows: 12345 }) };
    // The watermark moved 1 s of event time per second, so the window 4 s ahead closes in about 4 s.
    expect(formatStatus(cur, prev)).toBe('3,000 rows read · 2,000 rows/s · watermark 2026-12-02 14:00:01.000 · next window closes at 2026-12-02 14:00:05.001 in ~4.0s · 12,345 late');
  });

  it('says when there is no watermark yet, and gives event time ahead when the watermark has not moved', () => {
    expect(formatStatus({ at: 5, metrics: metrics({ rowsIn: 3 }) }, null)).toBe('3 rows read · 0 rows/s · no watermark yet · 0 late');
    const still = { at: 2000, metrics: metrics({ watermark: T, nextWindowEnd: T + 60_001 }) };
    expect(formatStatus(still, { at: 1000, metrics: still.metrics })).toContain('next window closes at 2026-12-02 14:01:00.001 (1m 0s of event time ahead)');
  });

  it('shows how far through its files a query is', () => {
    expect(formatStatus({ at: 1, metrics: metrics({ bytes: { read: 512 * 1024, total: 2 * 1024 * 1024 } }) }, null)).toContain('25% of 2.0 MiB');
  });

  it('writes durations for people', () => {
    expect([humanDuration(850), humanDuration(4210), humanDuration(190_000), humanDuration(7_500_000)]).toEqual(['850ms', '4.2s', '3m 10s', '2h 5m']);
  });
});

describe('the table result mode', () => {
  it('materializes changes, keeps an updated row in its place and retracts deleted ones', () => {
    let screen = '';
    const view = new TableView(
      [
        { name: 'op', type: 'VARCHAR' },
        { name: 'k', type: 'BIGINT' },
        { name: 'n', type: 'BIGINT' },
      ],
      (t) => (screen = t),
      () => 40,
      0,
    );
    view.apply([['+I', 1, 1], ['+I', 2, 1], ['-U', 1, 1], ['+U', 1, 2], ['+I', 3, 1], ['-D', 2, 1]]);
    expect(view.size).toBe(2);
    expect(screen).toBe(['+---+---+', '| k | n |', '+---+---+', '| 1 | 2 |', '| 3 | 1 |', '+---+---+', '(2 rows)', ''].join('\n'));
    view.apply([['-U', 3, 1], ['+U', 3, 5]]);
    // Redrawn over the previous drawing: up seven lines, clear to the end of the screen.
    expect(screen.startsWith('\x1b[7A\r\x1b[J')).toBe(true);
    expect(screen).toContain('| 3 | 5 |');
  });
});

describe('tab completion and prompts', () => {
  const catalog = new Catalog();
  catalog.add({ name: 'clicks', schema: { columns: [{ name: 'user_id', type: 'BIGINT' }, { name: 'url', type: 'VARCHAR' }] }, options: { connector: 'memory' }, ddl: 'CREATE STREAM clicks ...' });
  const complete = shellCompleter(catalog, () => ['checkpoint.interval']);

  it('completes stream and column names, keywords in the case typed, functions, commands and settings', () => {
    expect(complete('SELECT us')[0]).toEqual(['user_id']);
    expect(complete('SELECT * FROM cli')[0]).toEqual(['clicks']);
    expect(complete('SEL')[0]).toEqual(['SELECT']);
    expect(complete('sel')[0]).toEqual(['select']);
    expect(complete('SELECT UPP')[0]).toContain('UPPER');
    expect(complete('\\ti')[0]).toEqual(['\\timing']);
    expect(complete("SET 'checkpoint.i")[0]).toEqual(["'checkpoint.interval'"]);
  });

  it('knows the MATERIALIZED VIEW keywords and the names and columns of materialized views', () => {
    const withViews = shellCompleter(catalog, () => [], () => [{ name: 'per_user', columns: [{ name: 'user_id' }, { name: 'clicks_n' }] }]);
    expect(withViews('CREATE MATER')[0]).toEqual(['MATERIALIZED']);
    expect(withViews('drop mat')[0]).toEqual(['materialized']);
    expect(withViews('CREATE MATERIALIZED V')[0]).toEqual(['VIEW', 'VIEWS']);
    expect(withViews('show materialized vi')[0]).toEqual(['view', 'views']);
    expect(withViews('SELECT * FROM per')[0]).toEqual(['per_user']);
    expect(withViews('SELECT clicks_')[0]).toEqual(['clicks_n']);
  });

  it('shows an open quote, parenthesis or comment in the continuation prompt', () => {
    expect(continuationPrompt('SELECT a')).toBe('   -> ');
    expect(continuationPrompt("SELECT 'abc")).toBe("   '> ");
    expect(continuationPrompt('SELECT (a + (b')).toBe('   (> ');
    expect(continuationPrompt("SELECT ')(' , (a)")).toBe('   -> ');
    expect(continuationPrompt('SELECT /* x')).toBe('   *> ');
  });
});
