import type { SqlType, Value } from '../common/types.js';
import { EddyError } from '../common/errors.js';
import { parseDuration } from '../common/duration.js';
import { fmix32 } from '../common/hash.js';
import { enumOption, type FileFormat } from './options.js';
import { javaString } from './flink-row-text.js';

/*
 * The partitioning of Flink's filesystem connector: partition directories `key=value/...` with
 * values escaped as Flink's PartitionPathUtils escapes them, the partition time
 * ('partition.time-extractor.timestamp-pattern'), rolling and commit options.
 */

/** Options of the filesystem connector about partitions and part files (accepted on any filesystem table, as Flink). */
export const PARTITION_OPTION_KEYS = [
  'partition.default-name',
  'sink.rolling-policy.file-size',
  'sink.rolling-policy.rollover-interval',
  'sink.rolling-policy.check-interval',
  'sink.rolling-policy.inactivity-interval',
  'sink.partition-commit.trigger',
  'sink.partition-commit.delay',
  'sink.partition-commit.policy.kind',
  'sink.partition-commit.success-file.name',
  'sink.partition-commit.watermark-time-zone',
  'partition.time-extractor.kind',
  'partition.time-extractor.timestamp-pattern',
  'partition.time-extractor.timestamp-formatter',
  'sink.parallelism',
] as const;

export interface PartitionOptions {
  /** The table's directory, as written (relative paths resolve against the base directory). */
  readonly path: string;
  readonly format: FileFormat;
  readonly delimiter: string;
  readonly partitionKeys: readonly string[];
  /** 'partition.default-name': the directory value of a NULL or empty partition value. */
  readonly defaultName: string;
  /** 'sink.rolling-policy.file-size' in bytes: a part file larger than this rolls to the next. */
  readonly fileSize: number;
  readonly commit: {
    readonly trigger: 'process-time' | 'partition-time';
    readonly delayMs: number;
    /** The success file's name when the 'success-file' policy is on; null: committing writes nothing. */
    readonly successFile: string | null;
    /** 'partition.time-extractor.timestamp-pattern' ('$dt $hm:00'); null: the first partition value. */
    readonly pattern: string | null;
  };
  readonly stream?: string;
}

/** Flink's MemorySize text ('128MB', '1 kb', '4096'), 1024-based, in bytes. */
export function parseMemorySize(text: string, key: string): number {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const units: Record<string, number> = { '': 1, b: 1, bytes: 1, k: 1024, kb: 1024, kibibytes: 1024, m: 1024 ** 2, mb: 1024 ** 2, mebibytes: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gibibytes: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };
  const unit = units[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new EddyError('INVALID_OPTION', `option '${key}' must be a memory size such as '128MB', got '${text}'`);
  return Number(m[1]) * unit;
}

/** Validates the partition options of a filesystem table PARTITIONED BY `keys`. */
export function partitionOptions(options: Readonly<Record<string, string>>, base: { path: string; format: FileFormat; delimiter: string }, keys: readonly string[]): PartitionOptions {
  if (base.format === 'arrow') throw new EddyError('UNSUPPORTED', "a PARTITIONED BY table is written as 'json' or 'csv', not 'arrow'");
  const policies = (options['sink.partition-commit.policy.kind'] ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const p of policies) {
    if (p === 'success-file') continue;
    const why = p === 'metastore' ? 'Eddy has no metastore' : p === 'custom' ? 'Eddy cannot load a Java commit policy class' : `it is not one of Flink's ('success-file', 'metastore', 'custom')`;
    throw new EddyError('UNSUPPORTED', `partition commit policy '${p}' is not supported: ${why}`, undefined, "use 'sink.partition-commit.policy.kind' = 'success-file'");
  }
  const zone = options['sink.partition-commit.watermark-time-zone'];
  if (zone !== undefined && !/^(utc|gmt|z|\+00:00)$/i.test(zone.trim())) {
    throw new EddyError('UNSUPPORTED', `'sink.partition-commit.watermark-time-zone' = '${zone}' is not supported`, undefined, 'Eddy timestamps are UTC: leave the option out or write UTC');
  }
  const kind = options['partition.time-extractor.kind'];
  if (kind !== undefined && kind.trim().toLowerCase() !== 'default') {
    throw new EddyError('UNSUPPORTED', `'partition.time-extractor.kind' = '${kind}' is not supported`, undefined, "the 'default' extractor reads 'partition.time-extractor.timestamp-pattern'");
  }
  const formatter = options['partition.time-extractor.timestamp-formatter'];
  if (formatter !== undefined && formatter.trim() !== 'yyyy-MM-dd HH:mm:ss') {
    throw new EddyError('UNSUPPORTED', `'partition.time-extractor.timestamp-formatter' = '${formatter}' is not supported`, undefined, "partition times are read as 'yyyy-MM-dd HH:mm:ss' (Flink's default)");
  }
  return {
    ...base,
    partitionKeys: keys,
    defaultName: options['partition.default-name'] ?? '__DEFAULT_PARTITION__',
    fileSize: parseMemorySize(options['sink.rolling-policy.file-size'] ?? '128MB', 'sink.rolling-policy.file-size'),
    commit: {
      trigger: enumOption(options, 'sink.partition-commit.trigger', ['process-time', 'partition-time'], 'process-time'),
      delayMs: parseDuration(options['sink.partition-commit.delay'] ?? '0s', "option 'sink.partition-commit.delay'"),
      successFile: policies.includes('success-file') ? (options['sink.partition-commit.success-file.name'] ?? '_SUCCESS') : null,
      pattern: options['partition.time-extractor.timestamp-pattern'] ?? null,
    },
  };
}

/** Characters Flink's PartitionPathUtils escapes as `%XX` in a partition directory name. */
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007f', '{', '[', ']', '^']);

export function escapePathName(s: string): string {
  let out = '';
  for (const ch of s) out += ch < ' ' || ESCAPED.has(ch) ? '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0') : ch;
  return out;
}

/** A partition value as Flink writes it into the path (its Java toString), or null for NULL / ''. */
function partitionValue(v: Value, type: SqlType): string | null {
  if (v === null) return null;
  const s = javaString(v, type);
  return s === '' ? null : s;
}

/** The partition directory of a row's partition values: `dt=2015-07-24/hm=10%3A00`. */
export function partitionPath(opts: PartitionOptions, values: readonly Value[], types: readonly SqlType[]): string {
  return opts.partitionKeys.map((k, i) => `${escapePathName(k)}=${escapePathName(partitionValue(values[i] ?? null, types[i]!) ?? opts.defaultName)}`).join('/');
}

/**
 * The partition's time (Flink's DefaultPartTimeExtractor): the pattern with each `$key` replaced
 * by its value, or the first value without a pattern, read as Flink's default formatter reads it (`y-M-d[ H:m:s]`).
 */
export function partitionTime(opts: PartitionOptions, values: readonly Value[], types: readonly SqlType[], dir: string): number {
  const text = values.map((v, i) => partitionValue(v, types[i]!) ?? '');
  let s = text[0] ?? '';
  if (opts.commit.pattern !== null) {
    // Longest keys first, so `$dt` does not eat the start of `$dtx`.
    const order = opts.partitionKeys.map((k, i) => [k, i] as const).sort((a, b) => b[0].length - a[0].length);
    s = opts.commit.pattern;
    for (const [k, i] of order) s = s.split('$' + k).join(text[i]!);
  }
  const ms = partitionTimestamp(s.trim());
  if (ms === null) {
    throw new EddyError('INVALID_OPTION', `partition '${dir}' has no time: '${s}' is not a timestamp 'yyyy-MM-dd HH:mm:ss'`, undefined, "check 'partition.time-extractor.timestamp-pattern' (e.g. '$dt $hm:00'), or use 'sink.partition-commit.trigger' = 'process-time'");
  }
  return ms;
}

/** The part files' name tag of a query (`part-<tag>-0-<n>`): 8 hex digits of a hash of its id, the same on every run. */
export function partTag(queryId: string | undefined): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < (queryId ?? '').length; i++) h = Math.imul(h ^ queryId!.charCodeAt(i), 0x01000193);
  return (fmix32(h) >>> 0).toString(16).padStart(8, '0');
}

/** Flink's partition time format: `y-M-d[ H:m:s[.f]]`, one or two digits each (DefaultPartTimeExtractor's formatter); epoch ms, UTC. */
function partitionTimestamp(s: string): number | null {
  const m = /^(\d{1,10})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?)?$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return null;
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  at.setUTCHours(h, mi, se, Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000));
  return at.getUTCDate() === d ? at.getTime() : null;
}
