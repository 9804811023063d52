import type { Writable } from 'node:stream';
import { typeName, type Schema } from '../common/types.js';
import { isCollection } from '../common/collection-types.js';
import { EddyError, assertNever, closest, editDistance, internalError } from '../common/errors.js';
import type { StreamDef } from '../planner/catalog.js';
import type { FreshStart, LookupReader, SinkWriter, SourceReader } from './connector.js';
import { FileLookup } from './file-lookup.js';
import { SqliteLookup } from './sqlite-lookup.js';
import { fileReaderFor, fileSourceOptions, type DeadLetter } from './file-source.js';
import { FileSink, fileSinkOptions } from './file-sink.js';
import { DatagenSource, datagenOptions } from './datagen-source.js';
import type { MemoryStreams } from './memory-source.js';
import { StdoutSink, type PrintSinkFormat } from './stdout-sink.js';
import { checkOptions, enumOption, fileFormatOption, type OptionSpec } from './options.js';
import { SqliteSink, sqliteSinkOptions } from './sqlite-sink.js';
import { SqliteUpsertSink } from './sqlite-upsert-sink.js';
import { OP_COLUMN } from '../planner/changelog.js';
import { physicalStream } from '../planner/stream-def.js';
import { PartitionedFileSink } from './partitioned-file-sink.js';
import { partTag, partitionOptions } from './partitions.js';
import { FilesystemSource, filesystemOptions, filesystemSinkOptions } from './filesystem.js';
import { NexmarkSource, nexmarkOptions } from './nexmark/nexmark-source.js';
import { BlackholeSink } from './blackhole-sink.js';
import type { SqliteDb } from '../checkpoint/sqlite-db.js';
import { KafkaSource } from './kafka/kafka-source.js';
import { KafkaSink } from './kafka/kafka-sink.js';
import { checkSinkOptions, kafkaOptions } from './kafka/kafka-options.js';

export const CONNECTORS = ['file', 'filesystem', 'datagen', 'nexmark', 'memory', 'print', 'blackhole', 'sqlite', 'kafka', 'upsert-kafka'] as const;
export type ConnectorName = (typeof CONNECTORS)[number];

const MEMORY_SPEC: OptionSpec = { connector: 'memory', required: [], optional: [] };
/** 'print-identifier' and 'standard-error' are Flink's print options; 'format' is Eddy's (absent: Flink's row text). */
const PRINT_SPEC: OptionSpec = { connector: 'print', required: [], optional: ['format', 'print-identifier', 'standard-error', 'sink.parallelism'] };
const BLACKHOLE_SPEC: OptionSpec = { connector: 'blackhole', required: [], optional: [] };

/**
 * The stream's connector. A stream declared without one is a 'memory' stream, fed by
 * eddy.insert() / INSERT ... VALUES or by the CREATE STREAM AS query that defines it.
 */
export function connectorOf(stream: StreamDef): ConnectorName {
  const name = stream.options['connector'];
  if (name === undefined) return 'memory';
  const v = name.trim().toLowerCase();
  const hit = CONNECTORS.find((c) => c === v);
  if (hit) return hit;
  // Connector names are short, so allow two edits (a transposition such as 'flie').
  const guess = closest(v, CONNECTORS) ?? CONNECTORS.find((c) => editDistance(v, c) <= 2);
  throw new EddyError(
    'INVALID_OPTION',
    `unknown connector '${name}' for stream '${stream.name}'`,
    undefined,
    guess ? `did you mean '${guess}'?` : `connectors: ${CONNECTORS.join(', ')}`,
  );
}

/** Checks a stream's WITH options at CREATE STREAM time, so mistakes fail before any query runs. */
export function validateStreamOptions(stream: StreamDef): void {
  const connector = connectorOf(stream);
  if (stream.computed && connector === 'memory') {
    // A memory stream's log holds whole rows as inserted; computed columns need a connector that reads physical ones.
    throw new EddyError('UNSUPPORTED', `computed columns need a source connector; '${stream.name}' is a memory stream`, undefined, "declare it WITH ('connector' = 'filesystem' | 'datagen' | 'nexmark' | 'kafka', ...)");
  }
  stream = physicalStream(stream);
  if (stream.partitionKeys && connector !== 'filesystem') {
    throw new EddyError('UNSUPPORTED', `stream '${stream.name}' is PARTITIONED BY (${stream.partitionKeys.join(', ')}), which only the 'filesystem' connector supports`, undefined, "declare it WITH ('connector' = 'filesystem', 'path' = 'dir', ...), or leave PARTITIONED BY out");
  }
  if (connector !== 'print' && connector !== 'memory') refuseCollectionsInTextFormats(stream, connector);
  switch (connector) {
    case 'file':
      // The source accepts a superset of the sink's options; a file stream may be either.
      fileSourceOptions(stream.options);
      return;
    case 'filesystem': {
      const o = filesystemOptions(stream.options);
      if (stream.partitionKeys) partitionOptions(stream.options, o, stream.partitionKeys);
      return;
    }
    case 'datagen':
      datagenOptions(stream.options, stream.schema);
      return;
    case 'nexmark':
      nexmarkOptions(stream.options, stream.schema);
      return;
    case 'blackhole':
      checkOptions(stream.options, BLACKHOLE_SPEC);
      return;
    case 'memory':
      checkOptions(stream.options, MEMORY_SPEC);
      return;
    case 'print':
      printFormat(stream);
      return;
    case 'sqlite':
      sqliteSinkOptions(stream.options);
      return;
    case 'kafka':
    case 'upsert-kafka': {
      const opts = kafkaOptions(stream, connector);
      // Exactly-once needs its transactional id prefix up front, whichever way the stream is used.
      if (opts.delivery === 'exactly-once') checkSinkOptions(opts, stream.name);
      return;
    }
    default:
      assertNever(connector, 'connector');
  }
}

/** CSV (and Arrow, raw) have no form for ARRAY/MAP values: refused when the stream is declared, as Flink's csv format refuses them. */
function refuseCollectionsInTextFormats(stream: StreamDef, connector: ConnectorName): void {
  const col = stream.schema.columns.find((c) => isCollection(c.type));
  if (col === undefined) return;
  const format = connector === 'file' ? fileFormatOption(stream.options) : (stream.options['format'] ?? stream.options['value.format'] ?? '').trim().toLowerCase();
  if (format !== 'csv' && format !== 'arrow' && format !== 'raw') return;
  throw new EddyError(
    'UNSUPPORTED',
    `the ${format} format cannot hold column '${col.name}' of type ${typeName(col.type)}`,
    undefined,
    "use 'format' = 'json' for ARRAY and MAP columns",
  );
}

export interface SourceContext {
  readonly memory: MemoryStreams;
  /** Memory streams end once drained (batch runs such as `eddy -f`) instead of waiting for more rows. */
  readonly endMemoryWhenDrained: boolean;
  /** Relative file paths resolve against this directory (default: the working directory). */
  readonly baseDir?: string;
  /** Where a file source with 'on-error' = 'dead-letter' sends malformed rows. */
  readonly deadLetter?: DeadLetter;
  /** The columns the query reads (absent: all): a connector may leave the others NULL instead of decoding them. */
  readonly readColumns?: readonly number[];
}

/**
 * Opens a reader of the stream's physical columns, positioned at the start (seek() before reading
 * to resume). Computed columns are added above it (src/runtime/computed-columns.ts).
 */
export function createSource(stream: StreamDef, ctx: SourceContext): SourceReader {
  const connector = connectorOf(stream);
  switch (connector) {
    case 'file':
      return fileReaderFor(stream.schema, fileSourceOptions(stream.options), ctx.baseDir, ctx.deadLetter, ctx.readColumns);
    case 'filesystem':
      return new FilesystemSource(stream.schema, filesystemOptions(stream.options), ctx.baseDir, partitionsOf(stream), ctx.readColumns);
    case 'datagen':
      return new DatagenSource(datagenOptions(stream.options, stream.schema));
    case 'nexmark':
      return new NexmarkSource(nexmarkOptions(stream.options, stream.schema, ctx.readColumns));
    case 'memory':
      checkOptions(stream.options, MEMORY_SPEC);
      return ctx.memory.reader(stream.name, { endWhenDrained: ctx.endMemoryWhenDrained });
    case 'kafka':
    case 'upsert-kafka':
      return new KafkaSource(stream.schema, kafkaOptions(stream, connector), stream.name);
    case 'print':
    case 'blackhole':
    case 'sqlite':
      throw new EddyError('UNSUPPORTED', `stream '${stream.name}' uses connector '${connector}', which can only be written to`);
    default:
      return assertNever(connector, 'connector');
  }
}

/**
 * What a connector's sink consumes, as Flink's DynamicTableSink#getChangelogMode: 'insert-only'
 * (files, Kafka, memory logs: an updating result is refused, src/runtime/sink-changes.ts),
 * 'upsert' (changes applied by the stream's PRIMARY KEY, which it needs for an updating input:
 * 'sqlite', 'upsert-kafka') or 'all' (print shows each change, blackhole drops it).
 */
export type SinkChangelogMode = 'insert-only' | 'upsert' | 'all';

export function sinkChangelogMode(stream: StreamDef): SinkChangelogMode {
  const connector = connectorOf(stream);
  switch (connector) {
    case 'print':
    case 'blackhole':
      return 'all';
    case 'sqlite':
    case 'upsert-kafka':
      return 'upsert';
    case 'file':
    case 'filesystem':
    case 'kafka':
    case 'memory':
    case 'datagen':
    case 'nexmark':
      return 'insert-only';
    default:
      return assertNever(connector, 'connector');
  }
}

/**
 * Opens the lookup reader of a lookup join's table (keyColumns: the table's columns the join looks
 * up by, in key order): a SQLite table read by key, or a bounded file read into memory.
 */
export function createLookup(stream: StreamDef, keyColumns: readonly number[], ctx: { readonly baseDir?: string }): LookupReader {
  const connector = connectorOf(stream);
  switch (connector) {
    case 'sqlite': {
      const { path, table } = sqliteSinkOptions(stream.options);
      return new SqliteLookup(stream.schema, path, table, keyColumns, ctx.baseDir);
    }
    case 'filesystem':
      return new FileLookup(() => new FilesystemSource(stream.schema, filesystemOptions(stream.options), ctx.baseDir, partitionsOf(stream)), keyColumns);
    case 'file':
      return new FileLookup(() => fileReaderFor(stream.schema, fileSourceOptions(stream.options), ctx.baseDir), keyColumns);
    case 'datagen':
    case 'nexmark':
    case 'memory':
    case 'print':
    case 'blackhole':
    case 'kafka':
    case 'upsert-kafka':
      throw new EddyError('UNSUPPORTED', `table '${stream.name}' (connector '${connector}') cannot be the table of a lookup join`, undefined, "a lookup join reads a 'sqlite' table or a bounded 'filesystem' file");
    default:
      return assertNever(connector, 'connector');
  }
}

export interface SinkContext {
  /**
   * The query's rows are an updating changelog the sink consumes (Flink's RowKind): each row is
   * [op, ...the stream's physical columns], for a connector whose sinkChangelogMode is not 'insert-only'.
   */
  readonly changes?: boolean;
  /** Required for memory streams: the log the rows are appended to. */
  readonly memory?: MemoryStreams;
  readonly baseDir?: string;
  /** Where the 'print' connector writes (default: process.stdout). */
  readonly out?: Writable;
  /** The state database: a 'sqlite' sink commits its rows in the checkpoint's transaction there. */
  readonly stateDb?: SqliteDb | null;
  /** The persistent query writing the sink: an exactly-once Kafka sink derives its transactional ids from it. */
  readonly queryId?: string;
  /** How a file or SQLite sink begins a run without a checkpoint (append, overwrite, replace its own output). */
  readonly fresh?: FreshStart;
}

/** Opens a writer of rows in `schema` (the query's output) into the stream. Call restore() before writing. */
export function createSink(stream: StreamDef, schema: Schema, ctx: SinkContext = {}): SinkWriter {
  const connector = connectorOf(stream);
  if (stream.computed) {
    // Computed columns are not written (as in Flink): the query's rows are the physical columns.
    stream = physicalStream(stream);
    schema = stream.schema;
  }
  const changes = ctx.changes === true;
  if (changes && sinkChangelogMode(stream) === 'insert-only') throw internalError(`connector '${connector}' cannot consume a changelog`);
  // A changelog's rows carry their op first (Flink's RowKind), ahead of the stream's columns.
  const withOp: Schema = changes ? { columns: [OP_COLUMN, ...schema.columns] } : schema;
  switch (connector) {
    case 'file':
      return new FileSink(schema, { ...fileSinkOptions(stream.options), stream: stream.name }, ctx.baseDir, ctx.fresh);
    case 'filesystem': {
      const o = filesystemOptions(stream.options);
      if (stream.partitionKeys) {
        const p = { ...partitionOptions(stream.options, o, stream.partitionKeys), stream: stream.name };
        return new PartitionedFileSink(schema, p, ctx.baseDir, partTag(ctx.queryId), ctx.fresh);
      }
      return new FileSink(schema, { ...filesystemSinkOptions(o, ctx.baseDir), stream: stream.name }, ctx.baseDir, ctx.fresh);
    }
    case 'blackhole':
      checkOptions(stream.options, BLACKHOLE_SPEC);
      return new BlackholeSink();
    case 'memory':
      checkOptions(stream.options, MEMORY_SPEC);
      if (!ctx.memory) throw internalError(`no memory streams to write '${stream.name}' into`);
      return ctx.memory.sink(stream.name);
    case 'print': {
      const format = printFormat(stream);
      const id = stream.options['print-identifier'];
      if (id !== undefined && format === 'table') {
        throw new EddyError('INVALID_OPTION', "option 'print-identifier' needs 'format' = 'json' or 'csv'", undefined, "a table has no line to prefix; add 'format' = 'json'");
      }
      const toStderr = enumOption(stream.options, 'standard-error', ['true', 'false'], 'false') === 'true';
      return new StdoutSink(withOp, format, toStderr ? process.stderr : ctx.out, {}, id === undefined ? '' : `${id}> `, changes);
    }
    case 'sqlite':
      if (stream.primaryKey) return new SqliteUpsertSink(schema, stream.primaryKey, changes, stream.options, ctx.stateDb ?? null, ctx.baseDir, ctx.fresh);
      return new SqliteSink(schema, stream.options, ctx.stateDb ?? null, ctx.baseDir, ctx.fresh);
    case 'kafka':
    case 'upsert-kafka': {
      // upsert-kafka takes the op of a changelog as a leading op column (src/connectors/kafka/record-codec.ts).
      const s = changes ? { ...stream, schema: withOp } : stream;
      return new KafkaSink(withOp, kafkaOptions(s, connector), stream.name, ctx.queryId);
    }
    case 'datagen':
    case 'nexmark':
      throw new EddyError('UNSUPPORTED', `stream '${stream.name}' uses connector '${connector}', which can only be read`, undefined, "write into a 'filesystem', 'file' or 'memory' stream");
    default:
      return assertNever(connector, 'connector');
  }
}

/** Flink's row text (`+I[...]`) unless Eddy's 'format' option asks for JSON Lines, CSV or a table. */
function printFormat(stream: StreamDef): PrintSinkFormat {
  checkOptions(stream.options, PRINT_SPEC);
  return enumOption<PrintSinkFormat>(stream.options, 'format', ['table', 'json', 'csv'], 'flink');
}

/** A PARTITIONED BY filesystem table's partition columns, read from its files' `key=value/` paths. */
function partitionsOf(stream: StreamDef): { keys: readonly string[]; defaultName: string } | undefined {
  return stream.partitionKeys ? { keys: stream.partitionKeys, defaultName: stream.options['partition.default-name'] ?? '__DEFAULT_PARTITION__' } : undefined;
}
