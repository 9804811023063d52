/**
 * The entry of `eddy`'s V8 startup snapshot (bundled by scripts/snapshot.mjs, made into dist/eddy.blob
 * by scripts/snapshot-blob.mjs, run by repl/eddy): node deserializes a heap in which every module of the command is already loaded
 * and the parser built, instead of compiling ~1.5 MB of JavaScript and recording the grammar at
 * each start (about 0.1 s of the 0.2 s a script run took before its first row).
 *
 * What runs here runs once, when the snapshot is built: nothing may read the environment, the
 * arguments or the terminal at import (src/common/fault.ts reads EDDY_FAULT at its first use for
 * this reason), and no handle (timer, socket, file) may stay open.
 */
import { startupSnapshot } from 'node:v8';
import { parseScript } from '../src/parser/index.js';
import { runCli } from './cli.js';

// Chevrotain builds a production's lookahead at its first use (src/parser/lazy-lookahead.ts):
// parsing the statements scripts start with builds theirs into the snapshot.
parseScript(`
CREATE TABLE t (a BIGINT, b VARCHAR, r ROW<x INT, y VARCHAR>, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '4' SECOND, PRIMARY KEY (a) NOT ENFORCED)
  WITH ('connector' = 'file', 'path' = 't.jsonl', 'format' = 'json');
CREATE STREAM s (a INT, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
CREATE VIEW v AS SELECT a, b, CASE WHEN a > 1 THEN 'x' ELSE 'y' END AS c, CAST(a AS DOUBLE) / 2 AS d FROM t WHERE b LIKE 'a%' AND a IN (1, 2);
SET 'execution.batch-size' = '256';
INSERT INTO s SELECT a, window_start, COUNT(*), MAX(b) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY a, window_start, window_end;
SELECT t.a, u.b FROM t JOIN t AS u ON t.a = u.a AND u.ts BETWEEN t.ts - INTERVAL '1' HOUR AND t.ts;
SELECT * FROM (SELECT a, ROW_NUMBER() OVER (PARTITION BY b ORDER BY ts DESC) AS rn FROM t) WHERE rn <= 1;
`);

startupSnapshot.setDeserializeMainFunction(() => runCli(process.argv.slice(1)));
