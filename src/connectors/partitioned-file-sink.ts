import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Row, Schema, SqlType, Value } from '../common/types.js';
import { EddyError } from '../common/errors.js';
import type { FreshStart, SinkWriter } from './connector.js';
import { FileSink, type FileSinkPosition } from './file-sink.js';
import { partitionPath, partitionTime, type PartitionOptions } from './partitions.js';

/**
 * Flink's partitioned filesystem sink (`PARTITIONED BY (dt, hm)`): each row goes to
 * `<path>/dt=<v>/hm=<v>/part-<tag>-0-<n>.<format>` without its partition columns. `tag` comes from
 * the query id, so a re-run writes the same names and a recovery finds its own files; `n` counts
 * the part files the sink opened, across partitions (Flink's per-subtask part counter). Every part
 * file has one FileSink (exactly-once as the single-file sink: the checkpoint records each file's
 * length, a recovery truncates to it and deletes the query's files the checkpoint does not know).
 * A file rolls to n + 1 once it is larger than 'sink.rolling-policy.file-size', checked before each
 * row as Flink's DefaultRollingPolicy does, so the files do not depend on batch boundaries.
 * Partitions are committed (the success file written) once the checkpoint covering their rows has
 * committed and the trigger holds: the watermark passed the partition's time plus the delay
 * ('partition-time'), or the delay passed since the partition was created ('process-time'); at the
 * end of the input every partition is committed.
 */
export interface PartitionedPosition {
  /** Per partition directory (relative, `dt=.../hm=...`), its part files as [number, committed length], in order. */
  readonly partitions: Readonly<Record<string, readonly (readonly [number, number])[]>>;
  /** The number the next part file takes. */
  readonly next: number;
  /** The sink's input watermark at the cut, which decides the partitions the checkpoint commits. */
  readonly watermark: number | null;
}

interface PartFile {
  readonly n: number;
  readonly sink: FileSink;
}

interface Part {
  readonly dir: string;
  readonly values: readonly Value[];
  readonly types: readonly SqlType[];
  readonly files: PartFile[];
  /** Epoch ms of the partition (partition-time trigger), extracted when a commit first asks, as Flink's trigger does. */
  time: number | undefined;
  /** When this run first wrote it (process-time trigger). */
  readonly created: number;
  committed: boolean;
}

export class PartitionedFileSink implements SinkWriter {
  private readonly parts = new Map<string, Part>();
  private readonly fullDir: string;
  private readonly dataColumns: number[];
  private readonly keyColumns: number[];
  private readonly childSchema: Schema;
  private readonly prefix: string;
  private wm = -Infinity;
  /** The number of the next part file (Flink's part counter). */
  private next = 0;
  /** INSERT OVERWRITE: partitions whose other files were removed (Flink overwrites the partitions a run writes). */
  private readonly overwritten = new Set<string>();
  private overwrite = false;
  private clearing: Promise<void>[] = [];

  constructor(
    private readonly schema: Schema,
    private readonly opts: PartitionOptions,
    private readonly baseDir: string | undefined,
    /** Names the part files; derived from the query id. */
    tag: string,
    private readonly fresh?: FreshStart,
    private readonly now: () => number = Date.now,
  ) {
    this.fullDir = isAbsolute(opts.path) ? opts.path : resolve(baseDir ?? process.cwd(), opts.path);
    this.keyColumns = opts.partitionKeys.map((k) => schema.columns.findIndex((c) => c.name === k));
    this.dataColumns = schema.columns.flatMap((_, i) => (this.keyColumns.includes(i) ? [] : [i]));
    this.childSchema = { columns: this.dataColumns.map((i) => schema.columns[i]!) };
    this.prefix = `part-${tag}-0-`;
  }

  private fileName(n: number): string {
    return `${this.prefix}${n}.${this.opts.format}`;
  }

  private newFile(dir: string, n = this.next++): PartFile {
    const path = join(this.opts.path, dir, this.fileName(n));
    return { n, sink: new FileSink(this.childSchema, { path, format: this.opts.format, delimiter: this.opts.delimiter, ...(this.opts.stream ? { stream: this.opts.stream } : {}) }, this.baseDir) };
  }

  private part(row: Row): Part {
    const values = this.keyColumns.map((i) => row[i] ?? null);
    const types = this.keyColumns.map((i) => this.schema.columns[i]!.type);
    const dir = partitionPath(this.opts, values, types);
    let p = this.parts.get(dir);
    if (!p) {
      p = { dir, values, types, files: [this.newFile(dir)], time: undefined, created: this.now(), committed: false };
      this.parts.set(dir, p);
      if (this.overwrite && !this.overwritten.has(dir)) {
        this.overwritten.add(dir);
        this.clearing.push(this.clearForeign(dir));
      }
    }
    return p;
  }

  write(rows: readonly Row[]): void {
    const size = this.opts.fileSize;
    for (const row of rows) {
      const p = this.part(row);
      let file = p.files[p.files.length - 1]!;
      if (file.sink.outputEnd() > size) {
        file = this.newFile(p.dir);
        p.files.push(file);
      }
      file.sink.write([this.dataColumns.map((i) => row[i] ?? null)]);
    }
  }

  watermark(value: number): void {
    if (value > this.wm) this.wm = value;
  }

  async flush(): Promise<void> {
    await this.cleared();
    await Promise.all([...this.parts.values()].flatMap((p) => p.files.map((f) => f.sink.flush())));
  }

  private async cleared(): Promise<void> {
    const c = this.clearing;
    this.clearing = [];
    await Promise.all(c);
  }

  cut(): { position: PartitionedPosition; durable: Promise<void> } {
    const partitions: Record<string, [number, number][]> = {};
    const durable: Promise<void>[] = [this.cleared()];
    for (const p of this.parts.values()) {
      partitions[p.dir] = p.files.map((f) => {
        const c = f.sink.cut();
        durable.push(c.durable);
        return [f.n, c.position.bytes];
      });
    }
    return { position: { partitions, next: this.next, watermark: jsonWatermark(this.wm) }, durable: Promise.all(durable).then(() => undefined) };
  }

  /** The checkpoint is complete: its rows are durable, so the partitions its trigger allows are committed. */
  async checkpointCommitted(position: unknown): Promise<void> {
    const pos = position as PartitionedPosition;
    for (const [dir, files] of Object.entries(pos.partitions)) {
      const p = this.parts.get(dir);
      for (const [n, bytes] of files) void p?.files.find((f) => f.n === n)?.sink.checkpointCommitted({ bytes });
    }
    const wm = pos.watermark ?? -Infinity;
    const delay = this.opts.commit.delayMs;
    await this.commit(Object.keys(pos.partitions), (p) => (this.opts.commit.trigger === 'process-time' ? p.created + delay <= this.now() : wm > this.timeOf(p) + delay));
  }

  private timeOf(p: Part): number {
    p.time ??= partitionTime(this.opts, p.values, p.types, p.dir);
    return p.time;
  }

  /** Writes the success file of each partition in `dirs` that `due` allows and is not committed yet. */
  private async commit(dirs: readonly string[], due: (p: Part) => boolean): Promise<void> {
    const name = this.opts.commit.successFile;
    for (const dir of dirs) {
      const p = this.parts.get(dir);
      if (!p || p.committed || !due(p)) continue;
      p.committed = true;
      if (name === null) continue;
      const at = join(this.fullDir, dir);
      try {
        await mkdir(at, { recursive: true });
        await writeFile(join(at, name), '');
      } catch (e) {
        throw new EddyError('IO', `cannot write the success file of partition '${dir}' of '${this.opts.path}': ${(e as Error).message}`);
      }
    }
  }

  position(): PartitionedPosition {
    const partitions: Record<string, [number, number][]> = {};
    for (const p of this.parts.values()) partitions[p.dir] = p.files.map((f) => [f.n, f.sink.position().bytes]);
    return { partitions, next: this.next, watermark: jsonWatermark(this.wm) };
  }

  async restore(position: unknown | null): Promise<void> {
    await this.closeFiles();
    this.parts.clear();
    this.overwritten.clear();
    this.next = 0;
    const own = await this.ownFiles();
    if (position === null) {
      // A fresh run: the query's own earlier output is replaced (its names are this run's); other files stay, unless INSERT OVERWRITE.
      for (const f of own) await rm(join(this.fullDir, f), { force: true });
      this.overwrite = this.fresh?.mode === 'overwrite';
      await this.fresh?.started(0);
      return;
    }
    const pos = position as Partial<PartitionedPosition> | undefined;
    if (!pos || typeof pos.partitions !== 'object' || pos.partitions === null || typeof pos.next !== 'number') throw new EddyError('CHECKPOINT', `invalid partitioned file sink position ${JSON.stringify(position)}`);
    const known = new Set<string>();
    for (const [dir, files] of Object.entries(pos.partitions)) {
      const { values, types } = this.valuesOfDir(dir);
      const p: Part = { dir, values, types, files: [], time: undefined, created: this.now(), committed: false };
      for (const [n, bytes] of files) {
        known.add(join(dir, this.fileName(n)));
        const f = this.newFile(dir, n);
        await f.sink.restore({ bytes } satisfies FileSinkPosition);
        p.files.push(f);
      }
      this.parts.set(dir, p);
      this.overwritten.add(dir);
    }
    this.next = pos.next;
    // Files this query created after the checkpoint: a recovery writes them again.
    for (const f of own) if (!known.has(f)) await rm(join(this.fullDir, f), { force: true });
    this.overwrite = this.fresh?.mode === 'overwrite';
  }

  /** A restored partition's values (as text), from its directory's `key=value` segments, for its time. */
  private valuesOfDir(dir: string): { values: Value[]; types: SqlType[] } {
    const values = dir.split('/').map((seg) => decodeURIComponent(seg.slice(seg.indexOf('=') + 1)));
    return { values: values.map((v) => (v === this.opts.defaultName ? null : v)), types: values.map(() => 'VARCHAR') };
  }

  /** Part files this query writes (by their name), relative to the sink's directory. */
  private async ownFiles(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.fullDir, { recursive: true, withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new EddyError('IO', `cannot list '${this.opts.path}': ${(e as Error).message}`);
    }
    return entries.filter((e) => e.isFile() && e.name.startsWith(this.prefix)).map((e) => join(e.parentPath, e.name).slice(this.fullDir.length + 1));
  }

  /** INSERT OVERWRITE of a partition: removes its files that are not this query's (its own are handled by restore). */
  private async clearForeign(dir: string): Promise<void> {
    const at = join(this.fullDir, dir);
    let names: string[];
    try {
      names = await readdir(at);
    } catch {
      return;
    }
    for (const n of names) if (!n.startsWith(this.prefix)) await rm(join(at, n), { force: true, recursive: true });
  }

  outputEnd(): number {
    let n = 0;
    for (const p of this.parts.values()) for (const f of p.files) n += f.sink.outputEnd();
    return n;
  }

  private async closeFiles(): Promise<void> {
    await this.cleared();
    for (const p of this.parts.values()) for (const f of p.files) await f.sink.close();
  }

  async close(): Promise<void> {
    await this.closeFiles();
    // The end of the input (the watermark at +infinity) commits every partition, as Flink's endInput.
    if (this.wm === Infinity) await this.commit([...this.parts.keys()], () => true);
  }
}

/** A watermark as JSON holds it: +infinity (the end of the input) as the largest number, -infinity as null. */
function jsonWatermark(wm: number): number | null {
  return wm === Infinity ? Number.MAX_VALUE : Number.isFinite(wm) ? wm : null;
}
