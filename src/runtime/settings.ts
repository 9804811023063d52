import { EddyError } from '../common/errors.js';

/** Session settings changed with SET 'key' = 'value'. Keys are Flink-style and validated. */
export const SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  'checkpoint.interval': '10s',
  'checkpoint.retained': '3',
  'restart.attempts': '3',
  'restart.delay': '1s',
  'execution.batch-size': '1024',
  'source.idle-timeout': '0',
  /** How long a non-windowed GROUP BY keeps a key not updated (event time, else processing time); 0 = forever. */
  'state.ttl': '0',
};

export class Settings {
  private readonly values = new Map<string, string>(Object.entries(SETTING_DEFAULTS));

  set(key: string, value: string): void {
    if (!(key in SETTING_DEFAULTS)) {
      const known = Object.keys(SETTING_DEFAULTS);
      const near = known.find((k) => k.includes(key) || key.includes(k.split('.').pop()!));
      throw new EddyError('INVALID_OPTION', `unknown setting '${key}'`, undefined, near ? `did you mean '${near}'?` : `known settings: ${known.join(', ')}`);
    }
    if (key.endsWith('interval') || key.endsWith('delay') || key.endsWith('timeout') || key.endsWith('ttl')) parseDuration(value, key);
    else if (!/^\d+$/.test(value)) throw new EddyError('INVALID_OPTION', `setting '${key}' needs a whole number, got '${value}'`);
    this.values.set(key, value);
  }

  get(key: string): string {
    const v = this.values.get(key);
    if (v === undefined) throw new EddyError('INTERNAL', `internal error: unknown setting ${key}`);
    return v;
  }

  durationMs(key: string): number {
    return parseDuration(this.get(key), key);
  }

  int(key: string): number {
    return Number(this.get(key));
  }

  entries(): [string, string][] {
    return [...this.values.entries()];
  }
}

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
};

/** Parses '500ms', '10s', '1 min', '2h' or a bare number of milliseconds. */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? (m[2] || 'ms').toLowerCase() : '';
  if (!m || !(unit in UNIT_MS)) {
    throw new EddyError('INVALID_OPTION', `invalid ${what} '${text}'`, undefined, "write a duration such as '500ms', '10s' or '1min'");
  }
  return Math.round(Number(m[1]) * UNIT_MS[unit]!);
}
