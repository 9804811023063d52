/**
 * Materialized views in a script (`eddy -f`): the point-in-time SELECTs print the view's contents
 * once its query has read the input there is (golden output; a join of two views too), SHOW / DESCRIBE list it, and
 * `eddy flink` leaves it out of a Flink script with a warning (Flink has no materialized views).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { EDDY, expectBuilt } from '../e2e/eddy-command.js';

const SCRIPT = `
CREATE STREAM s (k VARCHAR, v INT) WITH ('connector' = 'memory');
INSERT INTO s VALUES ('a', 1), ('b', 2), ('a', 3), ('c', NULL), ('b', 10);
CREATE MATERIALIZED VIEW mv AS SELECT k, SUM(v) AS total, COUNT(*) AS n FROM s GROUP BY k;
SELECT * FROM mv ORDER BY k;
SELECT k, total FROM mv WHERE total > 3 ORDER BY total DESC;
SELECT COUNT(*) AS keys, SUM(total) AS total, SUM(n) AS n FROM mv;
CREATE MATERIALIZED VIEW maxes AS SELECT k, MAX(v) AS top FROM s GROUP BY k;
SELECT mv.k, mv.total, maxes.top FROM mv JOIN maxes ON mv.k = maxes.k WHERE maxes.top > 2 ORDER BY k;
DESCRIBE mv;
`;

describe('materialized views in a script', () => {
  it('prints point-in-time results over the maintained view', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-mv-script-'));
    writeFileSync(join(dir, 'q.sql'), SCRIPT);
    const r = spawnSync(EDDY, ['-f', 'q.sql', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '{"k":"a","total":4,"n":2}',
      '{"k":"b","total":12,"n":2}',
      '{"k":"c","total":null,"n":1}',
      '{"k":"b","total":12}',
      '{"k":"a","total":4}',
      '{"keys":3,"total":16,"n":5}',
      '{"k":"a","total":4,"top":3}',
      '{"k":"b","total":12,"top":10}',
      '{"name":"k","type":"VARCHAR","extra":""}',
      '{"name":"total","type":"BIGINT","extra":""}',
      '{"name":"n","type":"BIGINT","extra":""}',
      expect.stringMatching(/^\{"name":"","type":"","extra":"materialized view of query 'mv_mv_[0-9a-f]+' \(an updating result, kept as its current rows\)/),
    ]);
    // eddy flink refuses memory streams: a file stream here.
    writeFileSync(join(dir, 'f.sql'), `CREATE STREAM s (k VARCHAR, v INT) WITH ('connector' = 'file', 'path' = 's.jsonl', 'format' = 'json');\nCREATE MATERIALIZED VIEW mv AS SELECT k, SUM(v) AS total FROM s GROUP BY k;\nSHOW MATERIALIZED VIEWS;\n`);
    const f = spawnSync(EDDY, ['flink', 'f.sql'], { cwd: dir, encoding: 'utf8' });
    expect(f.stdout).toContain('-- Eddy only: CREATE MATERIALIZED VIEW mv AS');
    expect(f.stdout).toContain('-- Eddy only: SHOW MATERIALIZED VIEWS');
    expect(f.stderr).toMatch(/CREATE MATERIALIZED VIEW is Eddy-only/);
  });
});
