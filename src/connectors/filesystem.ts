import { readdir, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row, Schema, Value } from '../common/types.js';
import { BAD, coerceValue } from './values.js';
import { EddyError } from '../common/errors.js';
import type { SourceReader } from './connector.js';
import { SKIPPED_SAMPLES, fileReaderFor, type FileSourceOptions } from './file-source.js';
import type { FileSinkOptions } from './file-sink.js';
import { PARTITION_OPTION_KEYS } from './partitions.js';
import { checkOptions, enumOption, type FileFormat, type OptionSpec } from './options.js';

/*
 * Flink's 'filesystem' connector under its own option keys, over Eddy's file reader and writer:
 * 'path' (a file, a directory, or a file:// URI), 'format' = json | csv | arrow (required, as in Flink),
 * 'json.ignore-parse-errors' / 'csv.ignore-parse-errors' (skip malformed rows instead of failing),
 * 'csv.field-delimiter'. A directory source reads its files in name order, skipping hidden files
 * ('.' or '_' first, as Flink does); a directory sink writes one part file in it.
 */
export const FILESYSTEM_SPEC: OptionSpec = {
  connector: 'filesystem',
  required: ['path', 'format'],
  optional: ['json.ignore-parse-errors', 'csv.ignore-parse-errors', 'csv.field-delimiter', 'json.fail-on-missing-field', 'csv.header', ...PARTITION_OPTION_KEYS],
};

function boolOption(options: Readonly<Record<string, string>>, key: string): boolean {
  return enumOption(options, key, ['true', 'false'], 'false') === 'true';
}

/** Validates a 'filesystem' stream's options and maps them to the file reader's. */
export function filesystemOptions(options: Readonly<Record<string, string>>): FileSourceOptions {
  checkOptions(options, FILESYSTEM_SPEC);
  const format = enumOption<FileFormat>(options, 'format', ['json', 'csv', 'arrow'], 'json');
  const delimiter = options['csv.field-delimiter'] ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new EddyError('INVALID_OPTION', `option 'csv.field-delimiter' must be a single character other than a quote or newline, got '${delimiter}'`);
  }
  if (boolOption(options, 'json.fail-on-missing-field')) {
    throw new EddyError('UNSUPPORTED', "'json.fail-on-missing-field' = 'true' is not supported", undefined, 'a missing field reads as NULL (Flink\'s default)');
  }
  const skip = format !== 'arrow' && boolOption(options, format === 'json' ? 'json.ignore-parse-errors' : 'csv.ignore-parse-errors');
  // 'csv.header' = 'false': fields by position, no header line, as Flink's CSV format reads them.
  const header = boolOption({ 'csv.header': options['csv.header'] ?? 'true' }, 'csv.header');
  return { path: localPath(options['path']!), format, onError: skip ? 'skip' : 'fail', delimiter, ...(header ? {} : { header: false }) };
}

/** `file:///tmp/x` → `/tmp/x`; other schemes (hdfs://, s3://) are refused. */
function localPath(path: string): string {
  if (path.startsWith('file:')) return fileURLToPath(path);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(path);
  if (scheme) throw new EddyError('UNSUPPORTED', `file system '${scheme[1]}' is not supported in path '${path}'`, undefined, 'Eddy reads and writes local files: write a local path or a file:// URI');
  return path;
}

/** Where a 'filesystem' sink writes: the path itself, or a part file inside it when it is a directory. */
export function filesystemSinkOptions(o: FileSourceOptions, baseDir?: string): FileSinkOptions {
  const full = isAbsolute(o.path) ? o.path : resolve(baseDir ?? process.cwd(), o.path);
  let dir = o.path.endsWith('/');
  try {
    dir ||= statSync(full).isDirectory();
  } catch {
    // Absent: a file, unless the path ends with '/'.
  }
  const path = dir ? join(o.path, `part-0.${o.format}`) : o.path;
  return { path, format: o.format, delimiter: o.delimiter };
}

interface DirOffset {
  /** Name of the file being read, and the position in it; null before the first file. */
  readonly file: string | null;
  readonly inner: unknown;
  /** The file was read to its end: resume after it. */
  readonly after?: boolean;
}

/**
 * A 'filesystem' source: one file, or every file of a directory in name order. Files are listed
 * when reading starts; the offset names the current file, so a resume after a crash continues in it
 * (files sorting before it are done; files added later that sort after it are read too).
 */
export class FilesystemSource implements SourceReader {
  readonly bounded = true;
  private files: string[] | null = null;
  /** PARTITIONED BY: the files hold the other columns; each row gets its partition values from its file's `key=value/` path. */
  private readonly partitioned: { readonly keys: readonly number[]; readonly fileSchema: Schema; readonly defaultName: string } | null;
  /** The current file's row with its partition values put in. */
  private expand: ((row: Row) => Row) | null = null;
  private at = 0;
  private current: SourceReader | null = null;
  private resumeInner: unknown = null;
  private done = 0;
  private readonly fullPath: string;

  constructor(
    private readonly schema: Schema,
    private readonly opts: FileSourceOptions,
    private readonly baseDir?: string,
    partition?: { readonly keys: readonly string[]; readonly defaultName: string },
    /** The columns the query reads (absent: all); a partitioned table's files decode all theirs. */
    private readonly readColumns?: readonly number[],
  ) {
    this.fullPath = isAbsolute(opts.path) ? opts.path : resolve(baseDir ?? process.cwd(), opts.path);
    if (partition) {
      const keys = partition.keys.map((k) => schema.columns.findIndex((c) => c.name === k));
      this.partitioned = { keys, fileSchema: { columns: schema.columns.filter((_, i) => !keys.includes(i)) }, defaultName: partition.defaultName };
    } else this.partitioned = null;
    // The file readers of JSON Lines and CSV leave the room; a partitioned table's rows are rebuilt with their partition values.
    if (this.partitioned === null && opts.format !== 'arrow') {
      this.reserveTrailing = (n) => {
        this.spare = n;
        this.current?.reserveTrailing?.(n);
      };
    }
  }

  readonly reserveTrailing?: (n: number) => void;
  private spare = 0;

  /** How rows of `file` (a path relative to the directory) get their partition values, from its `key=value` segments. */
  private expander(file: string): (row: Row) => Row {
    const p = this.partitioned!;
    const found = new Map<string, string>();
    for (const seg of file.split('/').slice(0, -1)) {
      const at = seg.indexOf('=');
      if (at > 0) found.set(unescapePath(seg.slice(0, at)), unescapePath(seg.slice(at + 1)));
    }
    const values = p.keys.map((i) => {
      const col = this.schema.columns[i]!;
      const text = found.get(col.name);
      if (text === undefined || text === p.defaultName) return null;
      const v = coerceValue(text, col.type, true);
      if (v === BAD) throw new EddyError('BAD_ROW', `partition value '${text}' of '${col.name}' in '${join(this.opts.path, file)}' is not a ${col.type}`);
      return v;
    });
    const width = this.schema.columns.length;
    return (row) => {
      const out: Row = new Array<Value>(width);
      let d = 0;
      let k = 0;
      for (let i = 0; i < width; i++) out[i] = p.keys[k] === i ? values[k++]! : (row[d++] ?? null);
      return out;
    };
  }

  get skippedRows(): number {
    return this.done + (this.current?.skippedRows ?? 0);
  }

  /** The first skipped rows by file and line: the finished files', then the current one's (the file readers keep the first few each). */
  get skippedSamples(): readonly string[] {
    const current = this.current?.skippedSamples ?? [];
    return this.doneSamples.length === 0 ? current : [...this.doneSamples, ...current].slice(0, SKIPPED_SAMPLES);
  }

  private doneSamples: string[] = [];

  private resumeFile: string | null = null;
  private resumeAfter = false;
  private lastFile: string | null = null;

  async seek(offset: unknown): Promise<void> {
    const o = offset as DirOffset | null;
    if (!o || typeof o !== 'object' || !('file' in o)) throw new EddyError('CHECKPOINT', `invalid filesystem source offset ${JSON.stringify(offset)}`);
    await this.close();
    this.files = null;
    this.resumeFile = o.file;
    this.resumeInner = o.inner;
    this.resumeAfter = o.after === true;
  }

  offset(): DirOffset {
    if (this.files === null) return { file: this.resumeFile, inner: this.resumeInner, ...(this.resumeAfter ? { after: true } : {}) };
    const name = this.files[this.at];
    if (name === undefined) return { file: this.lastFile ?? this.resumeFile, inner: null, after: this.lastFile !== null || this.resumeAfter };
    return { file: name, inner: this.current ? this.current.offset() : this.resumeInner };
  }

  async read(max: number): Promise<Row[] | null> {
    if (this.files === null) await this.list();
    for (;;) {
      const files = this.files!;
      if (this.at >= files.length) return null;
      if (this.current === null) {
        const file = files[this.at]!;
        const single = file === '';
        const opts = { ...this.opts, path: single ? this.opts.path : join(this.opts.path, file) };
        this.current = fileReaderFor(this.partitioned?.fileSchema ?? this.schema, opts, this.baseDir, undefined, this.partitioned ? undefined : this.readColumns);
        this.expand = this.partitioned ? this.expander(file) : null;
        if (this.spare > 0) this.current.reserveTrailing!(this.spare);
        if (this.resumeInner) await this.current.seek(this.resumeInner);
        this.resumeInner = null;
      }
      const rows = await this.current.read(max);
      if (rows !== null) return this.expand ? rows.map(this.expand) : rows;
      this.done += this.current.skippedRows;
      if (this.doneSamples.length < SKIPPED_SAMPLES) this.doneSamples.push(...(this.current.skippedSamples ?? []).slice(0, SKIPPED_SAMPLES - this.doneSamples.length));
      await this.current.close();
      this.current = null;
      this.lastFile = files[this.at]!;
      this.at++;
    }
  }

  /** The files to read: [''] for a single file; a directory's visible files in name order, from the resumed one on. */
  private async list(): Promise<void> {
    let isDir = false;
    try {
      isDir = (await stat(this.fullPath)).isDirectory();
    } catch (e) {
      throw new EddyError('IO', `cannot read '${this.opts.path}': ${(e as Error).message}`);
    }
    this.at = 0;
    if (!isDir) {
      this.files = this.resumeAfter ? [] : [''];
      return;
    }
    const hidden = (name: string) => name.startsWith('.') || name.startsWith('_');
    const entries = await readdir(this.fullPath, { withFileTypes: true, recursive: this.partitioned !== null });
    const names = entries
      .filter((e) => e.isFile() && !hidden(e.name))
      .map((e) => relative(this.fullPath, join(e.parentPath, e.name)))
      // A partitioned table's files are in its `key=value` directories, none of them hidden.
      .filter((rel) => !rel.split('/').some(hidden))
      .sort();
    const r = this.resumeFile;
    // Files sorting before the resumed one (and it, once finished) were read before the checkpoint.
    this.files = r === null ? names : names.filter((n) => (this.resumeAfter ? n > r : n >= r));
    if (r !== null && this.files[0] !== r) this.resumeInner = null;
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = null;
    await c?.close();
  }
}

/** A partition directory's name or value as Flink escapes it (`%3A` for ':'). */
function unescapePath(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
