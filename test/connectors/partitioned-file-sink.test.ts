/**
 * The partitioned filesystem sink (PARTITIONED BY) on its own: Flink's directory layout and
 * escaping, part files without the partition columns, rolling by size, exactly-once restore
 * (truncate what the checkpoint covers, delete the query's files it does not), INSERT OVERWRITE of
 * the partitions written, partition commit (the success file) by watermark after the checkpoint,
 * and the directory read back by the filesystem source with the partition columns from the paths.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Row, Schema } from '../../src/common/types.js';
import { PartitionedFileSink, type PartitionedPosition } from '../../src/connectors/partitioned-file-sink.js';
import { partitionOptions } from '../../src/connectors/partitions.js';
import { FilesystemSource } from '../../src/connectors/filesystem.js';
import type { FreshStart } from '../../src/connectors/connector.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-part-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const schema: Schema = { columns: [{ name: 'a', type: 'BIGINT' }, { name: 'dt', type: 'VARCHAR' }, { name: 's', type: 'VARCHAR' }, { name: 'hr', type: 'INT' }] };
const T = (dt: string, hr: number) => Date.parse(`${dt}T${String(hr).padStart(2, '0')}:00:00Z`);

function sink(options: Record<string, string> = {}, fresh?: FreshStart): PartitionedFileSink {
  const opts = partitionOptions(options, { path: 'out', format: 'json', delimiter: ',' }, ['dt', 'hr']);
  return new PartitionedFileSink(schema, opts, dir, 'abcd0123', fresh);
}

function files(): Record<string, string> {
  const root = join(dir, 'out');
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) if (e.isFile()) out[relative(root, join(e.parentPath, e.name))] = readFileSync(join(e.parentPath, e.name), 'utf8');
  return out;
}

const COMMIT = { 'sink.partition-commit.trigger': 'partition-time', 'sink.partition-commit.policy.kind': 'success-file', 'partition.time-extractor.timestamp-pattern': '$dt $hr:00:00', 'sink.partition-commit.delay': '1 h' };

describe('layout', () => {
  it('writes key=value directories (escaped as Flink), without the partition columns, NULL as __DEFAULT_PARTITION__', async () => {
    const s = sink();
    await s.restore(null);
    s.write([[1, '2024-05-01', 'x', 9], [2, 'a:b/c', 'y', 10], [3, null, 'z', null], [4, '2024-05-01', 'w', 9]]);
    await s.close();
    expect(files()).toEqual({
      'dt=2024-05-01/hr=9/part-abcd0123-0-0.json': '{"a":1,"s":"x"}\n{"a":4,"s":"w"}\n',
      // The part counter is the sink's, across partitions, as Flink's (part-<uuid>-<subtask>-<counter>).
      'dt=a%3Ab%2Fc/hr=10/part-abcd0123-0-1.json': '{"a":2,"s":"y"}\n',
      'dt=__DEFAULT_PARTITION__/hr=__DEFAULT_PARTITION__/part-abcd0123-0-2.json': '{"a":3,"s":"z"}\n',
    });
  });

  it("rolls to the next part file once one is larger than 'sink.rolling-policy.file-size', row by row", async () => {
    const s = sink({ 'sink.rolling-policy.file-size': '40b' });
    await s.restore(null);
    // Each line is 16 bytes: a file takes rows until it is over 40 bytes (3 rows, 48 bytes).
    s.write([[1, 'd', 'x', 1], [2, 'd', 'x', 1]]);
    s.write([[3, 'd', 'x', 1], [4, 'd', 'x', 1], [5, 'd', 'x', 1], [6, 'd', 'x', 1], [7, 'd', 'x', 1]]);
    await s.close();
    const f = files();
    expect(Object.keys(f).sort()).toEqual(['dt=d/hr=1/part-abcd0123-0-0.json', 'dt=d/hr=1/part-abcd0123-0-1.json', 'dt=d/hr=1/part-abcd0123-0-2.json']);
    expect(f['dt=d/hr=1/part-abcd0123-0-1.json']).toBe('{"a":4,"s":"x"}\n{"a":5,"s":"x"}\n{"a":6,"s":"x"}\n');
  });
});

describe('exactly once', () => {
  it("a restore truncates each file to the checkpoint and deletes the query's files made after it", async () => {
    const s = sink({ 'sink.rolling-policy.file-size': '20b' });
    await s.restore(null);
    s.write([[1, 'd', 'x', 1], [2, 'd', 'x', 1], [3, 'e', 'x', 2]]);
    const cut = s.cut();
    await cut.durable;
    const position = JSON.parse(JSON.stringify(cut.position)) as PartitionedPosition;
    s.write([[4, 'd', 'x', 1], [5, 'f', 'x', 3], [6, 'e', 'x', 2]]);
    await s.close();
    // d/1 rolled to a second file, f/3 is new, e/2 grew.
    expect(Object.keys(files()).length).toBe(4);
    // A file of another writer in the same partition stays.
    writeFileSync(join(dir, 'out', 'dt=d', 'hr=1', 'other.json'), '{"a":0}\n');
    const again = sink({ 'sink.rolling-policy.file-size': '20b' });
    await again.restore(position);
    await again.close();
    expect(files()).toEqual({
      'dt=d/hr=1/part-abcd0123-0-0.json': '{"a":1,"s":"x"}\n{"a":2,"s":"x"}\n',
      'dt=d/hr=1/other.json': '{"a":0}\n',
      'dt=e/hr=2/part-abcd0123-0-1.json': '{"a":3,"s":"x"}\n',
    });
    // The counter goes on from the checkpoint's.
    again.write([[7, 'g', 'x', 4]]);
    await again.close();
    expect(Object.keys(files())).toContain('dt=g/hr=4/part-abcd0123-0-2.json');
  });

  it("a fresh run replaces the query's own files; INSERT OVERWRITE empties only the partitions it writes", async () => {
    mkdirSync(join(dir, 'out', 'dt=d', 'hr=1'), { recursive: true });
    mkdirSync(join(dir, 'out', 'dt=k', 'hr=1'), { recursive: true });
    writeFileSync(join(dir, 'out', 'dt=d', 'hr=1', 'part-abcd0123-0-7.json'), 'old own\n');
    writeFileSync(join(dir, 'out', 'dt=d', 'hr=1', 'theirs.json'), 'theirs\n');
    writeFileSync(join(dir, 'out', 'dt=k', 'hr=1', 'kept.json'), 'kept\n');
    const started: number[] = [];
    const append = sink({}, { mode: 'append', own: null, started: async (at) => void started.push(at) });
    await append.restore(null);
    append.write([[1, 'd', 'x', 1]]);
    await append.close();
    expect(Object.keys(files()).sort()).toEqual(['dt=d/hr=1/part-abcd0123-0-0.json', 'dt=d/hr=1/theirs.json', 'dt=k/hr=1/kept.json']);
    const overwrite = sink({}, { mode: 'overwrite', own: null, started: async () => {} });
    await overwrite.restore(null);
    overwrite.write([[2, 'd', 'x', 1]]);
    await overwrite.close();
    expect(files()).toEqual({ 'dt=d/hr=1/part-abcd0123-0-0.json': '{"a":2,"s":"x"}\n', 'dt=k/hr=1/kept.json': 'kept\n' });
    expect(started).toEqual([0]);
  });
});

describe('partition commit', () => {
  it('writes _SUCCESS once the checkpoint is complete and the watermark passed the partition time plus the delay', async () => {
    const s = sink(COMMIT);
    await s.restore(null);
    s.write([[1, '2024-05-01', 'x', 9], [2, '2024-05-01', 'x', 10]]);
    s.watermark(T('2024-05-01', 10) + 30 * 60_000);
    let c = s.cut();
    await c.durable;
    expect(existsSync(join(dir, 'out', 'dt=2024-05-01', 'hr=9', '_SUCCESS'))).toBe(false);
    await s.checkpointCommitted(c.position);
    // 09:00 + 1 h < 10:30; 10:00 + 1 h is not.
    expect(Object.keys(files()).filter((f) => f.endsWith('_SUCCESS'))).toEqual(['dt=2024-05-01/hr=9/_SUCCESS']);
    s.watermark(Infinity);
    c = s.cut();
    await c.durable;
    await s.checkpointCommitted(JSON.parse(JSON.stringify(c.position)));
    expect(Object.keys(files()).filter((f) => f.endsWith('_SUCCESS')).sort()).toEqual(['dt=2024-05-01/hr=10/_SUCCESS', 'dt=2024-05-01/hr=9/_SUCCESS']);
    await s.close();
  });

  it("with the 'process-time' trigger, once the delay passed on the clock since the partition was first written", async () => {
    let clock = 1_000_000;
    const opts = partitionOptions({ 'sink.partition-commit.policy.kind': 'success-file', 'sink.partition-commit.delay': '10 s' }, { path: 'out', format: 'json', delimiter: ',' }, ['dt', 'hr']);
    const s = new PartitionedFileSink(schema, opts, dir, 'abcd0123', undefined, () => clock);
    await s.restore(null);
    s.write([[1, 'anything', 'x', 1]]);
    let c = s.cut();
    await c.durable;
    clock += 9_999;
    await s.checkpointCommitted(c.position);
    expect(files()['dt=anything/hr=1/_SUCCESS']).toBeUndefined();
    clock += 1;
    c = s.cut();
    await c.durable;
    await s.checkpointCommitted(c.position);
    expect(files()['dt=anything/hr=1/_SUCCESS']).toBe('');
    await s.close();
  });

  it('commits every partition at the end of the input (no checkpoints), and nothing without the success-file policy', async () => {
    const s = sink(COMMIT);
    await s.restore(null);
    s.write([[1, '2024-05-01', 'x', 9]]);
    s.watermark(Infinity);
    await s.close();
    expect(files()['dt=2024-05-01/hr=9/_SUCCESS']).toBe('');
    rmSync(join(dir, 'out'), { recursive: true });
    const plain = sink({ 'sink.partition-commit.trigger': 'partition-time', 'partition.time-extractor.timestamp-pattern': '$dt $hr:00:00' });
    await plain.restore(null);
    plain.write([[1, '2024-05-01', 'x', 9]]);
    plain.watermark(Infinity);
    await plain.close();
    expect(Object.keys(files())).toEqual(['dt=2024-05-01/hr=9/part-abcd0123-0-0.json']);
  });

  it('a partition without a time under the pattern fails the commit that asks for it, naming it; the end of the input commits it', async () => {
    const s = sink(COMMIT);
    await s.restore(null);
    s.write([[1, 'soon', 'x', 9]]);
    const c = s.cut();
    await c.durable;
    await expect(s.checkpointCommitted(c.position)).rejects.toThrow("partition 'dt=soon/hr=9' has no time: 'soon 9:00:00' is not a timestamp 'yyyy-MM-dd HH:mm:ss'");
    s.watermark(Infinity);
    await s.close();
    expect(files()['dt=soon/hr=9/_SUCCESS']).toBe('');
  });
});

describe('reading a partitioned directory', () => {
  it('gives each row the partition values of its path, typed as declared', async () => {
    const s = sink();
    await s.restore(null);
    const rows: Row[] = [[1, '2024-05-01', 'x', 9], [2, 'a:b/c', 'y', 10], [3, null, 'z', null], [4, '2024-05-01', 'w', 9]];
    s.write(rows);
    await s.close();
    writeFileSync(join(dir, 'out', '_SUCCESS'), '');
    const src = new FilesystemSource(schema, { path: 'out', format: 'json', onError: 'fail', delimiter: ',' }, dir, { keys: ['dt', 'hr'], defaultName: '__DEFAULT_PARTITION__' });
    const got: Row[] = [];
    for (let b = await src.read(100); b !== null; b = await src.read(100)) got.push(...b);
    await src.close();
    expect(got.map((r) => JSON.stringify(r)).sort()).toEqual(rows.map((r) => JSON.stringify(r)).sort());
  });
});
