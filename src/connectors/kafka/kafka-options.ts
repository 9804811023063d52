import { EddyError, closest } from '../../common/errors.js';
import type { Schema } from '../../common/types.js';
import type { StreamDef } from '../../planner/catalog.js';
import { checkOptions, enumOption, numberOption, timestampOption, type OptionSpec } from '../options.js';
import { parseDuration } from '../../common/duration.js';

/*
 * The WITH options of the 'kafka' and 'upsert-kafka' connectors, under Flink's names
 * (flink-connector-kafka's KafkaConnectorOptions), checked against the stream's columns.
 */

export type KafkaConnector = 'kafka' | 'upsert-kafka';
export type RecordFormat = 'json' | 'csv' | 'raw';
export type DeliveryGuarantee = 'none' | 'at-least-once' | 'exactly-once';
export type StartupMode = 'earliest-offset' | 'latest-offset' | 'group-offsets' | 'timestamp' | 'specific-offsets';
export type BoundedMode = 'unbounded' | 'latest-offset' | 'group-offsets' | 'timestamp' | 'specific-offsets';

/** Where reading starts (startup) or stops (bounded), per partition. */
export interface OffsetSpec<M extends string> {
  readonly mode: M;
  /** timestamp mode: epoch ms. */
  readonly timestamp?: number;
  /** specific-offsets mode: partition → offset. */
  readonly specific?: ReadonlyMap<number, number>;
}

export interface FormatSpec {
  readonly format: RecordFormat;
  /** csv only. */
  readonly delimiter: string;
  /** Column indexes (into the stream's schema) this part of the message holds, in order. */
  readonly columns: readonly number[];
}

export interface KafkaOptions {
  readonly connector: KafkaConnector;
  readonly bootstrap: readonly string[];
  /** Explicit topics ('topic', ';'-separated), or null with a pattern. */
  readonly topics: readonly string[] | null;
  readonly pattern: RegExp | null;
  readonly groupId: string | null;
  readonly clientId: string;
  readonly readCommitted: boolean;
  readonly value: FormatSpec;
  readonly key: FormatSpec | null;
  /** Index of the `op` changelog column (upsert-kafka: first column named op), or -1. */
  readonly opColumn: number;
  readonly onError: 'fail' | 'skip';
  readonly startup: OffsetSpec<StartupMode>;
  readonly bounded: OffsetSpec<BoundedMode>;
  /** group-offsets: where a partition without a committed offset starts ('properties.auto.offset.reset'). */
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  /** How often the partitions of the topics (or the topics of the pattern) are listed again; 0 = never. */
  readonly discoveryIntervalMs: number;
  /** 'scan.watermark.idle-timeout' in ms; 0 = a quiet partition always holds the watermark back. */
  readonly splitIdleTimeoutMs: number;
  readonly delivery: DeliveryGuarantee;
  readonly transactionalIdPrefix: string | null;
  readonly transactionTimeoutMs: number;
  readonly partitioner: 'default' | 'fixed' | 'round-robin';
}

/** The Kafka client properties Eddy's client honours ('properties.' + the Kafka client's name). */
const PROPERTIES = ['bootstrap.servers', 'group.id', 'client.id', 'isolation.level', 'auto.offset.reset', 'transaction.timeout.ms'];

const COMMON = ['topic', 'value.format', 'key.format', 'key.fields', 'value.fields-include', 'csv.field-delimiter', 'on-error', 'json.ignore-parse-errors', 'csv.ignore-parse-errors', 'scan.bounded.mode', 'scan.bounded.timestamp-millis', 'scan.bounded.specific-offsets', 'scan.topic-partition-discovery.interval', 'scan.watermark.idle-timeout', 'sink.delivery-guarantee', 'sink.transactional-id-prefix'];

const KAFKA_SPEC: OptionSpec = {
  connector: 'kafka',
  required: [],
  optional: [...COMMON, 'format', 'topic-pattern', 'scan.startup.mode', 'scan.startup.timestamp-millis', 'scan.startup.specific-offsets', 'sink.partitioner'],
  prefixes: ['properties.'],
};
const UPSERT_SPEC: OptionSpec = { connector: 'upsert-kafka', required: ['topic', 'key.format', 'value.format'], optional: COMMON, prefixes: ['properties.'] };

/** Validates and types the options of a 'kafka' or 'upsert-kafka' stream (at CREATE STREAM and when a reader or writer opens). */
export function kafkaOptions(stream: StreamDef, connector: KafkaConnector): KafkaOptions {
  const o = stream.options;
  checkOptions(o, connector === 'kafka' ? KAFKA_SPEC : UPSERT_SPEC);
  for (const key of Object.keys(o)) {
    if (!key.startsWith('properties.')) continue;
    const prop = key.slice('properties.'.length);
    if (PROPERTIES.includes(prop)) continue;
    const guess = closest(prop, PROPERTIES);
    throw new EddyError('INVALID_OPTION', `Kafka client property '${prop}' is not supported by Eddy's Kafka client`, undefined, guess ? `did you mean 'properties.${guess}'?` : `supported: ${PROPERTIES.map((p) => `'properties.${p}'`).join(', ')}`);
  }
  const servers = o['properties.bootstrap.servers'];
  if (servers === undefined) throw new EddyError('INVALID_OPTION', `connector '${connector}' needs option 'properties.bootstrap.servers'`, undefined, "add 'properties.bootstrap.servers' = 'host:9092'");
  const bootstrap = servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (bootstrap.length === 0 || bootstrap.some((b) => !/^[^:\s]+:\d+$/.test(b))) {
    throw new EddyError('INVALID_OPTION', `option 'properties.bootstrap.servers' must list host:port pairs separated by commas, got '${servers}'`);
  }
  const { topics, pattern } = topicsOf(o, connector);
  const schema = stream.schema;
  const opColumn = connector === 'upsert-kafka' && schema.columns[0]?.name.toLowerCase() === 'op' && schema.columns[0].type === 'VARCHAR' ? 0 : -1;
  const keyIdx = keyColumns(stream, connector, opColumn);
  const include = enumOption(o, 'value.fields-include', ['all', 'except_key'], 'all');
  const delimiter = csvDelimiter(o);
  const dataColumns = schema.columns.map((_, i) => i).filter((i) => i !== opColumn);
  const valueFormat = o['value.format'] ?? o['format'];
  if (valueFormat === undefined) throw new EddyError('INVALID_OPTION', `connector '${connector}' needs option 'format'`, undefined, "add 'format' = 'json' (or 'csv', 'raw')");
  if (o['value.format'] !== undefined && o['format'] !== undefined) throw new EddyError('INVALID_OPTION', "options 'format' and 'value.format' are the same option: give one");
  const value: FormatSpec = {
    format: formatOption(o['value.format'] !== undefined ? 'value.format' : 'format', valueFormat),
    delimiter,
    columns: include === 'all' ? dataColumns : dataColumns.filter((i) => !keyIdx.includes(i)),
  };
  const key: FormatSpec | null = keyIdx.length > 0 ? { format: formatOption('key.format', o['key.format']!), delimiter, columns: keyIdx } : null;
  if (o['key.format'] !== undefined && key === null) throw new EddyError('INVALID_OPTION', "option 'key.format' needs 'key.fields' (the columns the message key holds)", undefined, "add 'key.fields' = 'col1;col2'");
  for (const [what, f] of [['value', value], ['key', key]] as const) {
    if (f?.format === 'raw' && (f.columns.length !== 1 || schema.columns[f.columns[0]!]!.type !== 'VARCHAR')) {
      throw new EddyError('INVALID_OPTION', `the 'raw' format holds one VARCHAR column, but the ${what} has ${f.columns.map((i) => `${schema.columns[i]!.name} ${schema.columns[i]!.type}`).join(', ') || 'none'}`, undefined, what === 'value' && key ? "set 'value.fields-include' = 'EXCEPT_KEY' so the value holds the non-key column only" : 'declare a single VARCHAR column for it');
    }
  }
  const ignoreErrors = o['json.ignore-parse-errors'] ?? o['csv.ignore-parse-errors'];
  const onError = enumOption(o, 'on-error', ['fail', 'skip'], ignoreErrors?.trim().toLowerCase() === 'true' ? 'skip' : 'fail');
  const delivery = enumOption<DeliveryGuarantee>(o, 'sink.delivery-guarantee', ['none', 'at-least-once', 'exactly-once'], 'at-least-once');
  const prefix = o['sink.transactional-id-prefix']?.trim() || null;
  return {
    connector,
    bootstrap,
    topics,
    pattern,
    groupId: o['properties.group.id'] ?? null,
    clientId: o['properties.client.id'] ?? 'eddy',
    readCommitted: enumOption(o, 'properties.isolation.level', ['read_committed', 'read_uncommitted'], 'read_committed') === 'read_committed',
    value,
    key,
    opColumn,
    onError,
    startup: connector === 'upsert-kafka' ? { mode: 'earliest-offset' } : startupSpec(o),
    bounded: boundedSpec(o),
    autoOffsetReset: enumOption(o, 'properties.auto.offset.reset', ['earliest', 'latest', 'none'], 'none'),
    discoveryIntervalMs: durationOption(o, 'scan.topic-partition-discovery.interval', 5 * 60_000),
    splitIdleTimeoutMs: durationOption(o, 'scan.watermark.idle-timeout', 0),
    delivery,
    transactionalIdPrefix: prefix,
    transactionTimeoutMs: numberOption(o, 'properties.transaction.timeout.ms', 15 * 60_000, { min: 1000, integer: true }),
    partitioner: enumOption(o, 'sink.partitioner', ['default', 'fixed', 'round-robin'], 'default'),
  };
}

/** The options a writer needs beyond reading: one topic, and a transactional id prefix for exactly-once. */
export function checkSinkOptions(opts: KafkaOptions, stream: string): string {
  if (opts.topics === null || opts.topics.length !== 1) {
    throw new EddyError('INVALID_OPTION', `stream '${stream}' is written to, so its option 'topic' must name exactly one topic`, undefined, "a sink takes 'topic' = 'name' ('topic-pattern' and topic lists are for reading)");
  }
  if (opts.delivery === 'exactly-once' && opts.transactionalIdPrefix === null) {
    throw new EddyError('INVALID_OPTION', `stream '${stream}': 'sink.delivery-guarantee' = 'exactly-once' needs 'sink.transactional-id-prefix'`, undefined, "add 'sink.transactional-id-prefix' = 'my-app' (unique to this Eddy deployment on the Kafka cluster: its transactions are fenced by id)");
  }
  return opts.topics[0]!;
}

function topicsOf(o: Readonly<Record<string, string>>, connector: KafkaConnector): { topics: string[] | null; pattern: RegExp | null } {
  const topic = o['topic'];
  const pattern = o['topic-pattern'];
  if (topic !== undefined && pattern !== undefined) throw new EddyError('INVALID_OPTION', "options 'topic' and 'topic-pattern' exclude each other", undefined, 'give one of them');
  if (pattern !== undefined) {
    try {
      return { topics: null, pattern: new RegExp(`^(?:${pattern})$`) };
    } catch (e) {
      throw new EddyError('INVALID_OPTION', `option 'topic-pattern' is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  if (topic === undefined) throw new EddyError('INVALID_OPTION', `connector '${connector}' needs option 'topic'${connector === 'kafka' ? " or 'topic-pattern'" : ''}`, undefined, "add 'topic' = 'name'");
  const topics = topic.split(';').map((t) => t.trim());
  if (topics.some((t) => !/^[A-Za-z0-9._-]{1,249}$/.test(t))) throw new EddyError('INVALID_OPTION', `option 'topic' must be topic names (letters, digits, '.', '_', '-') separated by ';', got '${topic}'`);
  return { topics, pattern: null };
}

/** Key columns: upsert-kafka's PRIMARY KEY, or kafka's 'key.fields'. */
function keyColumns(stream: StreamDef, connector: KafkaConnector, opColumn: number): number[] {
  const names = stream.schema.columns.map((c) => c.name);
  if (connector === 'upsert-kafka') {
    if (!stream.primaryKey || stream.primaryKey.length === 0) {
      throw new EddyError('INVALID_OPTION', `connector 'upsert-kafka' needs a PRIMARY KEY on stream '${stream.name}'`, undefined, 'declare PRIMARY KEY (col, ...) NOT ENFORCED: the key columns are the message key');
    }
    if (stream.options['key.fields'] !== undefined) throw new EddyError('INVALID_OPTION', "connector 'upsert-kafka' takes its key from the PRIMARY KEY, not from 'key.fields'", undefined, "remove 'key.fields'");
    const idx = stream.primaryKey.map((k) => names.indexOf(k));
    if (idx.includes(opColumn)) throw new EddyError('INVALID_OPTION', "the changelog column 'op' cannot be part of the PRIMARY KEY");
    return idx;
  }
  const fields = stream.options['key.fields'];
  if (fields === undefined) return [];
  if (stream.options['key.format'] === undefined) throw new EddyError('INVALID_OPTION', "option 'key.fields' needs 'key.format'", undefined, "add 'key.format' = 'json' (or 'csv', 'raw')");
  return fields.split(';').map((f) => {
    const name = f.trim();
    const i = names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (i < 0) {
      const guess = closest(name, names);
      throw new EddyError('INVALID_OPTION', `option 'key.fields' names unknown column '${name}'`, undefined, guess ? `did you mean '${guess}'?` : `columns are separated by ';': ${names.join(';')}`);
    }
    return i;
  });
}

function formatOption(key: string, text: string): RecordFormat {
  return enumOption<RecordFormat>({ [key]: text }, key, ['json', 'csv', 'raw'], 'json');
}

function csvDelimiter(o: Readonly<Record<string, string>>): string {
  const d = o['csv.field-delimiter'] ?? ',';
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new EddyError('INVALID_OPTION', `option 'csv.field-delimiter' must be a single character other than a quote or newline, got '${d}'`);
  return d;
}

function startupSpec(o: Readonly<Record<string, string>>): OffsetSpec<StartupMode> {
  // Flink's default is group-offsets; without a group there is nothing to resume, so Eddy reads from the start.
  const dflt = o['properties.group.id'] === undefined ? 'earliest-offset' : 'group-offsets';
  const mode = enumOption<StartupMode>(o, 'scan.startup.mode', ['earliest-offset', 'latest-offset', 'group-offsets', 'timestamp', 'specific-offsets'], dflt);
  return { mode, ...modeArgs(o, mode, 'scan.startup') };
}

function boundedSpec(o: Readonly<Record<string, string>>): OffsetSpec<BoundedMode> {
  const mode = enumOption<BoundedMode>(o, 'scan.bounded.mode', ['unbounded', 'latest-offset', 'group-offsets', 'timestamp', 'specific-offsets'], 'unbounded');
  return { mode, ...modeArgs(o, mode, 'scan.bounded') };
}

/** The timestamp or offsets a mode needs ('<prefix>.timestamp-millis', '<prefix>.specific-offsets'), and only for that mode. */
function modeArgs(o: Readonly<Record<string, string>>, mode: string, prefix: string): { timestamp?: number; specific?: Map<number, number> } {
  const tsKey = `${prefix}.timestamp-millis`;
  const offKey = `${prefix}.specific-offsets`;
  const ts = timestampOption(o, tsKey);
  if ((ts !== undefined) !== (mode === 'timestamp')) {
    throw new EddyError('INVALID_OPTION', mode === 'timestamp' ? `'${prefix}.mode' = 'timestamp' needs option '${tsKey}'` : `option '${tsKey}' is only used with '${prefix}.mode' = 'timestamp'`);
  }
  const text = o[offKey];
  if ((text !== undefined) !== (mode === 'specific-offsets')) {
    throw new EddyError('INVALID_OPTION', mode === 'specific-offsets' ? `'${prefix}.mode' = 'specific-offsets' needs option '${offKey}'` : `option '${offKey}' is only used with '${prefix}.mode' = 'specific-offsets'`, undefined, mode === 'specific-offsets' ? `e.g. '${offKey}' = 'partition:0,offset:42;partition:1,offset:300'` : undefined);
  }
  if (ts !== undefined) return { timestamp: ts };
  if (text === undefined) return {};
  const specific = new Map<number, number>();
  for (const part of text.split(';')) {
    const m = /^\s*partition\s*:\s*(\d+)\s*,\s*offset\s*:\s*(\d+)\s*$/.exec(part);
    if (!m) throw new EddyError('INVALID_OPTION', `option '${offKey}' must read 'partition:<n>,offset:<n>;...', got '${part}'`, undefined, `e.g. 'partition:0,offset:42;partition:1,offset:300'`);
    specific.set(Number(m[1]), Number(m[2]));
  }
  return { specific };
}

function durationOption(o: Readonly<Record<string, string>>, key: string, dflt: number): number {
  const v = o[key];
  return v === undefined ? dflt : parseDuration(v, `option '${key}'`);
}

/** The schema of the columns a format part holds. */
export function partSchema(schema: Schema, part: FormatSpec): Schema {
  return { columns: part.columns.map((i) => schema.columns[i]!) };
}
