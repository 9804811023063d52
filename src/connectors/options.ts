import { EddyError, closest } from '../common/errors.js';
import { parseTimestamp } from './values.js';

/** What WITH options a connector accepts. Keys are lower-case, as the catalog stores them. */
export interface OptionSpec {
  readonly connector: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Families of keys such as `fields.` (datagen's `fields.<col>.kind`). */
  readonly prefixes?: readonly string[];
}

/**
 * Keys every connector accepts: the engine, not the connector, interprets them ('allowed-lateness'
 * for windows over the stream; 'source.idle-timeout' for queries over several inputs, see
 * src/runtime/multi-input.ts). Session.execute checks both are durations at CREATE STREAM.
 */
const COMMON_KEYS = ['connector', 'allowed-lateness', 'source.idle-timeout'];

/** Throws INVALID_OPTION for an unknown key (with did-you-mean) or a missing required one. */
export function checkOptions(options: Readonly<Record<string, string>>, spec: OptionSpec): void {
  const known = [...COMMON_KEYS, ...spec.required, ...spec.optional];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    if (spec.prefixes?.some((p) => key.startsWith(p) && key.length > p.length)) continue;
    const guess = closest(key, known);
    throw new EddyError(
      'INVALID_OPTION',
      `unknown option '${key}' for connector '${spec.connector}'`,
      undefined,
      guess ? `did you mean '${guess}'?` : `options of '${spec.connector}': ${describeKeys(spec)}`,
    );
  }
  for (const key of spec.required) {
    if (options[key] === undefined) {
      throw new EddyError('INVALID_OPTION', `connector '${spec.connector}' needs option '${key}'`, undefined, `add '${key}' = '...' to the WITH clause`);
    }
  }
}

function describeKeys(spec: OptionSpec): string {
  return [...spec.required, ...spec.optional, ...(spec.prefixes ?? []).map((p) => `${p}*`)].join(', ');
}

/** A finite number option (default when absent), with optional bounds and integrality. */
export function numberOption(
  options: Readonly<Record<string, string>>,
  key: string,
  dflt: number,
  limits: { readonly min?: number; readonly max?: number; readonly integer?: boolean } = {},
): number {
  const text = options[key];
  if (text === undefined) return dflt;
  const v = Number(text.trim());
  const what = limits.integer ? 'an integer' : 'a number';
  if (text.trim() === '' || !Number.isFinite(v) || (limits.integer && !Number.isInteger(v))) {
    throw new EddyError('INVALID_OPTION', `option '${key}' must be ${what}, got '${text}'`);
  }
  if (limits.min !== undefined && v < limits.min) {
    throw new EddyError('INVALID_OPTION', `option '${key}' must be at least ${limits.min}, got '${text}'`);
  }
  if (limits.max !== undefined && v > limits.max) {
    throw new EddyError('INVALID_OPTION', `option '${key}' must be at most ${limits.max}, got '${text}'`);
  }
  return v;
}

/** One of a fixed set of (case-insensitive) words; default when absent. */
export function enumOption<T extends string>(options: Readonly<Record<string, string>>, key: string, allowed: readonly T[], dflt: T): T {
  const text = options[key];
  if (text === undefined) return dflt;
  const v = text.trim().toLowerCase();
  const hit = allowed.find((a) => a === v);
  if (hit !== undefined) return hit;
  const guess = closest(v, allowed);
  throw new EddyError(
    'INVALID_OPTION',
    `option '${key}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${text}'`,
    undefined,
    guess ? `did you mean '${guess}'?` : undefined,
  );
}

/** A timestamp option given as timestamp text or epoch milliseconds; undefined when absent. */
export function timestampOption(options: Readonly<Record<string, string>>, key: string): number | undefined {
  const text = options[key];
  if (text === undefined) return undefined;
  const v = parseTimestamp(text.trim());
  if (v === null) {
    throw new EddyError('INVALID_OPTION', `option '${key}' must be a timestamp ('yyyy-MM-dd HH:mm:ss[.SSS]' or epoch ms), got '${text}'`);
  }
  return v;
}

export type FileFormat = 'json' | 'csv' | 'arrow';

/** The 'format' option of a file connector, inferred from the path's extension when absent. */
export function fileFormatOption(options: Readonly<Record<string, string>>): FileFormat {
  if (options['format'] !== undefined) return enumOption<FileFormat>(options, 'format', ['json', 'csv', 'arrow'], 'json');
  const path = (options['path'] ?? '').toLowerCase();
  if (path.endsWith('.csv')) return 'csv';
  if (path.endsWith('.arrows') || path.endsWith('.arrow')) return 'arrow';
  if (path.endsWith('.jsonl') || path.endsWith('.json') || path.endsWith('.ndjson')) return 'json';
  throw new EddyError('INVALID_OPTION', `connector 'file' needs option 'format' for path '${options['path'] ?? ''}'`, undefined, "add 'format' = 'json' (JSON Lines), 'format' = 'csv' or 'format' = 'arrow' (Arrow IPC stream)");
}
