import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Row, Schema } from '../common/types.js';
import { EddyError } from '../common/errors.js';
import type { FreshStart, SinkWriter } from './connector.js';
import { FileSink, type FileSinkPosition } from './file-sink.js';
import { partitionPath, partitionTime, type PartitionOptions } from './partitions.js';

/**
 * Flink's partitioned filesystem sink (`PARTITIONED BY (dt, hm)`): each row goes to
 * `<path>/dt=<v>/hm=<v>/part-<tag>-0-<n>.<format>` without its partition columns. `tag` comes from
 * the query id, so a re-run writes the same names and a recovery finds its own files. Every part
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
  /** Per partition directory (relative, `dt=.../hm=...`), the committed length of each part file, by its number. */
  readonly partitions: Readonly<Record<string, readonly number[]>>;
  /** The sink's input watermark at the cut, which decides the partitions the checkpoint commits. */
  readonly watermark: number | null;
}

interface Part {
  readonly dir: string;
  readonly files: FileSink[];
  /** Epoch ms of the partition (partition-time trigger). */
  readonly time: number | null;
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

  private newFile(dir: string, n: number): FileSink {
    const path = join(this.opts.path, dir, this.fileName(n));
    return new FileSink(this.childSchema, { path, format: this.opts.format, delimiter: this.opts.delimiter, ...(this.opts.stream ? { stream: this.opts.stream } : {}) }, this.baseDir);
  }

  private part(row: Row): Part {
    const values = this.keyColumns.map((i) => row[i] ?? null);
    const types = this.keyColumns.map((i) => this.schema.columns[i]!.type);
    const dir = partitionPath(this.opts, values, types);
    let p = this.parts.get(dir);
    if (!p) {
      const time = this.opts.commit.trigger === 'partition-time' ? partitionTime(this.opts, values, types, dir) : null;
      p = { dir, files: [this.newFile(dir, 0)], time, created: this.now(), committed: false };
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
      if (file.outputEnd() > size) {
        file = this.newFile(p.dir, p.files.length);
        p.files.push(file);
      }
      file.write([this.dataColumns.map((i) => row[i] ?? null)]);
    }
  }

  watermark(value: number): void {
    if (value > this.wm) this.wm = value;
  }

  async flush(): Promise<void> {
    await this.cleared();
    await Promise.all([...this.parts.values()].flatMap((p) => p.files.map((f) => f.flush())));
  }

  private async cleared(): Promise<void> {
    const c = this.clearing;
    this.clearing = [];
    await Promise.all(c);
  }

  cut(): { position: PartitionedPosition; durable: Promise<void> } {
    const partitions: Record<string, number[]> = {};
    const durable: Promise<void>[] = [this.cleared()];
    for (const p of this.parts.values()) {
      partitions[p.dir] = p.files.map((f) => {
        const c = f.cut();
        durable.push(c.durable);
        return c.position.bytes;
      });
    }
    return { position: { partitions, watermark: jsonWatermark(this.wm) }, durable: Promise.all(durable).then(() => undefined) };
  }

  /** The checkpoint is complete: its rows are durable, so the partitions its trigger allows are committed. */
  async checkpointCommitted(position: unknown): Promise<void> {
    const pos = position as PartitionedPosition;
    for (const [dir, files] of Object.entries(pos.partitions)) {
      const p = this.parts.get(dir);
      files.forEach((bytes, n) => void p?.files[n]?.checkpointCommitted({ bytes }));
    }
    const wm = pos.watermark ?? -Infinity;
    await this.commit(Object.keys(pos.partitions), (p) => (p.time === null ? p.created + this.opts.commit.delayMs <= this.now() : wm > p.time + this.opts.commit.delayMs));
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
    const partitions: Record<string, number[]> = {};
    for (const p of this.parts.values()) partitions[p.dir] = p.files.map((f) => f.position().bytes);
    return { partitions, watermark: jsonWatermark(this.wm) };
  }

  async restore(position: unknown | null): Promise<void> {
    await this.closeFiles();
    this.parts.clear();
    this.overwritten.clear();
    const own = await this.ownFiles();
    if (position === null) {
      // A fresh run: the query's own earlier output is replaced (its names are this run's); other files stay, unless INSERT OVERWRITE.
      for (const f of own) await rm(join(this.fullDir, f), { force: true });
      this.overwrite = this.fresh?.mode === 'overwrite';
      await this.fresh?.started(0);
      return;
    }
    const pos = position as Partial<PartitionedPosition> | undefined;
    if (!pos || typeof pos.partitions !== 'object' || pos.partitions === null) throw new EddyError('CHECKPOINT', `invalid partitioned file sink position ${JSON.stringify(position)}`);
    const known = new Set<string>();
    for (const [dir, files] of Object.entries(pos.partitions)) {
      const p: Part = { dir, files: [], time: null, created: this.now(), committed: false };
      for (const [n, bytes] of files.entries()) {
        known.add(join(dir, this.fileName(n)));
        const f = this.newFile(dir, n);
        await f.restore({ bytes } satisfies FileSinkPosition);
        p.files.push(f);
      }
      this.parts.set(dir, { ...p, time: this.opts.commit.trigger === 'partition-time' ? this.timeOfDir(dir) : null });
      this.overwritten.add(dir);
    }
    // Files this query created after the checkpoint: a recovery writes them again.
    for (const f of own) if (!known.has(f)) await rm(join(this.fullDir, f), { force: true });
    this.overwrite = this.fresh?.mode === 'overwrite';
  }

  /** The time of a restored partition, from its directory's `key=value` segments. */
  private timeOfDir(dir: string): number {
    const values = dir.split('/').map((seg) => decodeURIComponent(seg.slice(seg.indexOf('=') + 1)));
    return partitionTime(this.opts, values.map((v) => (v === this.opts.defaultName ? null : v)), values.map(() => 'VARCHAR'), dir);
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
    for (const p of this.parts.values()) for (const f of p.files) n += f.outputEnd();
    return n;
  }

  private async closeFiles(): Promise<void> {
    await this.cleared();
    for (const p of this.parts.values()) for (const f of p.files) await f.close();
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
