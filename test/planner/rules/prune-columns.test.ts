import { describe, expect, it } from 'vitest';
import { describePlanDifference, explain, planFingerprint } from '../../../src/planner/explain.js';
import { DEFAULT_RULES, optimize } from '../../../src/planner/optimize.js';
import { toPhysical } from '../../../src/planner/physical.js';
import { pruneColumns } from '../../../src/planner/rules/prune-columns.js';
import { BIDS_DDL, bind, catalog, explainSql } from '../helpers.js';

const AUCTIONS_DDL = `CREATE STREAM auctions (id BIGINT, seller BIGINT, category INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'memory')`;
const cat = catalog(BIDS_DDL, AUCTIONS_DDL);
const plan = (sql: string): string => explainSql(sql, cat);
const BIDS = "SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)";
const AUCTIONS = "SourceExec auctions connector=memory watermark=(ts - INTERVAL '5' SECOND)";
const UNBOUNDED = "state=unbounded (note: without 'state.ttl' a regular join keeps every row of both inputs; its state grows without limit)";

describe('prune-columns', () => {
  it('narrows each join side to its key and the columns read above the join', () => {
    expect(plan('SELECT b.auction, b.price, a.seller FROM bids b JOIN auctions a ON b.auction = a.id')).toBe(
      [
        'ProjectExec [auction, price, seller]',
        `  JoinExec INNER keys=[auction = id] changelog=append ${UNBOUNDED}`,
        '    ProjectExec [auction, price]',
        `      ${BIDS}`,
        '    ProjectExec [id, seller]',
        `      ${AUCTIONS}`,
      ].join('\n'),
    );
  });

  it('keeps the columns read only by a WHERE above the join', () => {
    // A WHERE over both sides stays above the join (push-filter-below-join moves one-sided conjuncts).
    expect(plan("SELECT b.price, a.seller FROM bids b JOIN auctions a ON b.auction = a.id WHERE b.channel = 'web' OR a.category = 1")).toBe(
      [
        'ProjectExec [price, seller]',
        "  FilterExec ((channel = 'web') OR (category = 1))",
        `    JoinExec INNER keys=[auction = id] changelog=append ${UNBOUNDED}`,
        '      ProjectExec [auction, price, channel]',
        `        ${BIDS}`,
        '      ProjectExec [id, seller, category]',
        `        ${AUCTIONS}`,
      ].join('\n'),
    );
  });

  it('keeps the columns of the residual condition, and op above an outer join', () => {
    const p = plan('SELECT b.auction, a.seller FROM bids b LEFT JOIN auctions a ON b.auction = a.id AND a.category > b.bidder');
    expect(p).toContain('JoinExec LEFT keys=[auction = id] residual=(category > bidder) changelog=updating');
    expect(p.split('\n').filter((l) => l.includes('ProjectExec'))).toEqual(['ProjectExec [op, auction, seller]', '    ProjectExec [auction, bidder]', '    ProjectExec [id, seller, category]']);
  });

  it("keeps an updating side's op column", () => {
    const p = plan('SELECT g.auction, a.seller FROM (SELECT auction, channel, COUNT(*) AS n FROM bids GROUP BY auction, channel) g JOIN auctions a ON g.auction = a.id');
    expect(p).toContain('    ProjectExec [op, auction]\n      GroupAggregateExec keys=[auction, channel] aggs=[COUNT(*) AS n] changelog=updating');
  });

  it('keeps the window columns a GROUP BY reads above a join, and narrows below the window assignment nothing', () => {
    const p = plan(
      "SELECT a.seller, window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) b JOIN auctions a ON b.auction = a.id GROUP BY a.seller, window_start",
    );
    expect(p).toContain(['    ProjectExec [auction, window_start]', '      WindowAssignExec window=TUMBLE(ts, 10 s)', `        ${BIDS}`].join('\n'));
  });

  it("keeps whole an interval join's side that is a stream's own rows (its late rows go to <stream>$late), narrows one that is not", () => {
    const whole = plan("SELECT b.auction, b.price FROM bids b JOIN auctions a ON b.auction = a.id AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '1' HOUR");
    expect(whole).not.toContain('    ProjectExec');
    const derived = plan(
      "SELECT b.auction, b.price FROM (SELECT auction, bidder, price, ts FROM bids WHERE price > 1) b JOIN (SELECT id, seller, ts FROM auctions) a ON b.auction = a.id AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '1' HOUR",
    );
    expect(derived).toContain('    ProjectExec [auction, price, ts]\n      FilterExec (price > 1)');
    expect(derived).toContain('    ProjectExec [id, ts]');
  });

  it('reads every input column of a Top-N over an updating input and of a union; over an append-only input only its keys and what is read above', () => {
    const topN = (join: string): string =>
      plan(`SELECT auction FROM (SELECT b.auction, b.price, a.seller, ROW_NUMBER() OVER (PARTITION BY b.auction ORDER BY b.price DESC) AS rn FROM bids b ${join} auctions a ON b.auction = a.id) WHERE rn <= 3`);
    expect(topN('LEFT JOIN')).toContain(`    JoinExec LEFT keys=[auction = id] changelog=updating ${UNBOUNDED}\n      ${BIDS}\n      ${AUCTIONS}`);
    expect(topN('JOIN')).toContain(
      [`    JoinExec INNER keys=[auction = id] changelog=append ${UNBOUNDED}`, '      ProjectExec [auction, price]', `        ${BIDS}`, '      ProjectExec [id]', `        ${AUCTIONS}`].join('\n'),
    );
    const union = plan('SELECT auction, price FROM bids b JOIN auctions a ON b.auction = a.id UNION ALL SELECT auction, price FROM bids');
    expect(union).toContain('      ProjectExec [auction, price]\n        SourceExec bids');
    expect(union).toContain('      ProjectExec [id]\n        SourceExec auctions');
  });

  it('narrows both sides of a semi join', () => {
    expect(plan('SELECT b.auction FROM bids b WHERE b.auction IN (SELECT id FROM auctions WHERE category = 1)')).toBe(
      [
        "JoinExec SEMI keys=[auction = id] output=left columns changelog=append state=unbounded (note: without 'state.ttl' a semi/anti join keeps every row of both inputs; its state grows without limit)",
        '  ProjectExec [auction]',
        `    ${BIDS}`,
        '  ProjectExec [id]',
        '    FilterExec (category = 1)',
        `      ${AUCTIONS}`,
      ].join('\n'),
    );
  });

  it('keeps every column of the result (a sink or a view reads them all), and reaches a fixpoint', () => {
    const before = bind('SELECT * FROM bids b JOIN auctions a ON b.auction = a.id', cat);
    const once = optimize(before);
    expect(once.schema).toEqual(before.schema);
    expect(explain(toPhysical(once))).not.toContain('    ProjectExec');
    const pruned = optimize(bind('SELECT b.price FROM bids b JOIN auctions a ON b.auction = a.id', cat));
    expect(pruneColumns.applyToPlan(pruned)).toEqual(pruned);
  });

  it('drops SELECT-list items nothing reads (a PROCTIME window reads only its key and time)', () => {
    const c = catalog(`CREATE STREAM clicks (user_id BIGINT, url VARCHAR, pt AS PROCTIME()) WITH ('connector' = 'memory')`);
    const p = explainSql('SELECT user_id, COUNT(*) FROM (SELECT user_id, url, pt, PROCTIME() AS p_time FROM clicks) GROUP BY user_id, TUMBLE(p_time, INTERVAL \'1\' MINUTE)', c);
    expect(p).toContain('ProjectExec [user_id, PROCTIME() AS p_time]');
  });

  it('changes the fingerprint of a join whose sides it narrows: state saved before pruning is refused, naming the stored columns', () => {
    const sql = 'SELECT b.auction, b.price, a.seller FROM bids b JOIN auctions a ON b.auction = a.id';
    const unpruned = planFingerprint(toPhysical(optimize(bind(sql, cat), DEFAULT_RULES.filter((r) => r !== pruneColumns))));
    const pruned = planFingerprint(toPhysical(optimize(bind(sql, cat))));
    expect(describePlanDifference(unpruned, pruned)).toBe(
      'the stored left columns of join-0 changed from [auction: BIGINT, bidder: BIGINT, price: DOUBLE, channel: VARCHAR, ts: TIMESTAMP] to [auction: BIGINT, price: DOUBLE]',
    );
  });
});
