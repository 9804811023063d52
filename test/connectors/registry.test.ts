import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schema } from '../../src/common/types.js';
import type { StreamDef } from '../../src/planner/catalog.js';
import { EddyError } from '../../src/common/errors.js';
import { MemoryStreams } from '../../src/connectors/memory-source.js';
import { connectorOf, createSink, createSource, validateStreamOptions } from '../../src/connectors/registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-reg-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const schema: Schema = { columns: [{ name: 'id', type: 'BIGINT' }, { name: 'ts', type: 'TIMESTAMP' }] };
const def = (options: Record<string, string>, name = 's'): StreamDef => ({ name, schema, options, ddl: '' });

function errorOf(f: () => unknown): EddyError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EddyError);
    return e as EddyError;
  }
  throw new Error('expected an error');
}

describe('registry', () => {
  it('rejects an unknown connector with did-you-mean', () => {
    const e = errorOf(() => validateStreamOptions(def({ connector: 'flie', path: 'x.jsonl' }, 'bids')));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toBe("unknown connector 'flie' for stream 'bids'");
    expect(e.hint).toBe("did you mean 'file'?");
    expect(connectorOf(def({}))).toBe('memory');
  });

  it('validates each connector’s options at CREATE STREAM time', () => {
    expect(errorOf(() => validateStreamOptions(def({ connector: 'file', pth: 'a.jsonl' }))).hint).toBe("did you mean 'path'?");
    expect(errorOf(() => validateStreamOptions(def({ connector: 'datagen', 'fields.idd.min': '1' }))).hint).toBe("did you mean 'fields.id.min'?");
    expect(errorOf(() => validateStreamOptions(def({ connector: 'memory', path: 'x' }))).message).toBe("unknown option 'path' for connector 'memory'");
    expect(() => validateStreamOptions(def({ connector: 'file', path: 'a.csv', 'allowed-lateness': '5s' }))).not.toThrow();
    // Interpreted by the engine for queries over several inputs (src/runtime/multi-input.ts), so every connector accepts it.
    expect(() => validateStreamOptions(def({ connector: 'file', path: 'a.csv', 'source.idle-timeout': '5s' }))).not.toThrow();
    expect(() => validateStreamOptions(def({ connector: 'memory', 'source.idle-timeout': '5s' }))).not.toThrow();
    expect(() => validateStreamOptions(def({ connector: 'datagen', 'number-of-rows': '10' }))).not.toThrow();
  });

  it('creates file, datagen and memory sources', async () => {
    await writeFile(join(dir, 'in.jsonl'), '{"id":1,"ts":0}\n');
    const f = createSource(def({ connector: 'file', path: 'in.jsonl' }), { memory: new MemoryStreams(), endMemoryWhenDrained: false, baseDir: dir });
    expect(await f.read(10)).toEqual([[1, 0]]);
    await f.close();

    const g = createSource(def({ connector: 'datagen', 'number-of-rows': '3', 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '10', 'fields.ts.start': '0', 'rows-per-second': '1000' }), { memory: new MemoryStreams(), endMemoryWhenDrained: false });
    const rows = [];
    for (let r = await g.read(10); r !== null; r = await g.read(10)) rows.push(...r);
    expect(rows).toEqual([[1, 0], [2, 1], [3, 2]]);

    const memory = new MemoryStreams();
    memory.append('m', [[5, 5]]);
    const m = createSource(def({ connector: 'memory' }, 'm'), { memory, endMemoryWhenDrained: true });
    expect(await m.read(10)).toEqual([[5, 5]]);
    expect(await m.read(10)).toBeNull();
  });

  it('creates file and memory sinks; refuses to write datagen', async () => {
    const memory = new MemoryStreams();
    const ms = createSink(def({}, 'derived'), schema, { memory });
    await ms.restore(null);
    ms.write([[1, 2]]);
    expect(memory.rows('derived')).toEqual([[1, 2]]);

    const fs = createSink(def({ connector: 'file', path: 'o/out.jsonl' }), schema, { baseDir: dir });
    await fs.restore(null);
    fs.write([[1, 0]]);
    await fs.close();
    expect(await readFile(join(dir, 'o/out.jsonl'), 'utf8')).toBe('{"id":1,"ts":"1970-01-01 00:00:00.000"}\n');

    expect(errorOf(() => createSink(def({ connector: 'datagen' }), schema)).code).toBe('UNSUPPORTED');
  });
});
