import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/parser/index.js';
import { EddyError } from '../../src/common/errors.js';

describe('CREATE VIEW / DROP VIEW / SHOW VIEWS', () => {
  it('parses Flink\'s forms: TEMPORARY, IF NOT EXISTS, a column list, any query', () => {
    const v = parseStatement('CREATE TEMPORARY VIEW IF NOT EXISTS v (a, "B") AS SELECT k, COUNT(*) FROM s GROUP BY k UNION ALL SELECT k, 1 FROM t');
    expect(v).toMatchObject({ kind: 'createView', name: { name: 'v' }, temporary: true, ifNotExists: true, columns: [{ name: 'a' }, { name: 'B' }], query: { kind: 'union' } });
    expect(parseStatement('create view w as select * from s')).toMatchObject({ kind: 'createView', temporary: false, ifNotExists: false, query: { kind: 'select' } });
    expect(parseStatement('create view w as select * from s')).not.toHaveProperty('columns');
    expect(parseStatement('DROP TEMPORARY VIEW IF EXISTS v')).toMatchObject({ kind: 'dropView', name: { name: 'v' }, ifExists: true });
    expect(parseStatement('SHOW VIEWS')).toMatchObject({ kind: 'show', what: 'views' });
    // VIEW and TEMPORARY stay usable as names.
    expect(parseStatement('SELECT view, temporary FROM s')).toMatchObject({ kind: 'query' });
  });

  it('errors point at the mistake and suggest the fix', () => {
    const err = (sql: string): EddyError => {
      try {
        parseStatement(sql);
      } catch (e) {
        return e as EddyError;
      }
      throw new Error(`parsed: ${sql}`);
    };
    expect(err('CREATE VIEW v (a, a) AS SELECT x, y FROM s')).toMatchObject({ message: "duplicate column 'a'", span: { column: 19 } });
    expect(err('CREATE VEIW v AS SELECT 1')).toMatchObject({ hint: 'did you mean VIEW?', span: { column: 8 } });
    expect(err('SHOW VIWES')).toMatchObject({ hint: 'did you mean SHOW VIEWS?' });
    expect(err('CREATE VIEW v SELECT * FROM s').message).toMatch(/AS/);
  });
});
