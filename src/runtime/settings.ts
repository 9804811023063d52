import { EddyError, closest } from '../common/errors.js';
import { parseDuration } from '../common/duration.js';

export { parseDuration };

/** Session settings changed with SET 'key' = 'value'. Keys are Flink-style and validated. */
export const SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  'checkpoint.interval': '10s',
  'checkpoint.retained': '3',
  'restart.attempts': '3',
  'restart.delay': '1s',
  'execution.batch-size': '1024',
  /** How long a non-windowed GROUP BY keeps a key not updated (event time, else processing time); 0 = forever. */
  'state.ttl': '0',
};

/**
 * Window emit settings (Flink's names; README "Late rows and emit modes"). Listed by `SET;` only
 * once set, so that plain sessions show what they always showed.
 */
export const EMIT_SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  /** Keep fired windows this long of event time and re-emit corrected results (-U/+U). */
  'table.exec.emit.allow-lateness': '0',
  /** Partial results of open windows every this long of processing time; 0 = off. */
  'table.exec.emit.early-fire.delay': '0',
  /** 'false' turns early fire off whatever the delay. */
  'table.exec.emit.early-fire.enabled': 'true',
};

/** Shorter spellings accepted by SET, stored under the Flink name. */
const ALIASES: Readonly<Record<string, string>> = {
  'emit.early-fire.delay': 'table.exec.emit.early-fire.delay',
  'emit.early-fire.enabled': 'table.exec.emit.early-fire.enabled',
  'emit.allow-lateness': 'table.exec.emit.allow-lateness',
  // Flink's names of Eddy's own settings, so a Flink script's SET lines work unchanged.
  'table.exec.state.ttl': 'state.ttl',
  'execution.checkpointing.interval': 'checkpoint.interval',
  'execution.checkpointing.num-retained': 'checkpoint.retained',
  'state.checkpoints.num-retained': 'checkpoint.retained',
  'restart-strategy.fixed-delay.attempts': 'restart.attempts',
  'restart-strategy.fixed-delay.delay': 'restart.delay',
};

/** Settings listed by `SET;` only once set, as the emit settings. */
export const OPTIONAL_SETTING_DEFAULTS: Readonly<Record<string, string>> = {
  /**
   * At most this many rows per second read by each query from its sources together (as
   * RisingWave's source_rate_limit); 0 = as fast as it can. To replay a file at a pace, or to keep
   * a backfill from starving other queries.
   */
  'execution.source.rate-limit': '0',
};

const PIPELINE_NAME = 'pipeline.name';

const ALL_DEFAULTS: Readonly<Record<string, string>> = { ...SETTING_DEFAULTS, ...EMIT_SETTING_DEFAULTS, ...OPTIONAL_SETTING_DEFAULTS };
/** The keys `SET;` lists only once set. */
const LISTED_ONCE_SET: ReadonlySet<string> = new Set([...Object.keys(EMIT_SETTING_DEFAULTS), ...Object.keys(OPTIONAL_SETTING_DEFAULTS)]);

export class Settings {
  private readonly values = new Map<string, string>(Object.entries(ALL_DEFAULTS));
  private readonly explicit = new Set<string>();

  /** SET 'pipeline.name': the name (and id) of the next persistent query, as Flink names its job. */
  private pipelineName: string | undefined;

  /** The name SET 'pipeline.name' gave, once: the next persistent statement takes it. */
  takeName(): string | undefined {
    const n = this.pipelineName;
    this.pipelineName = undefined;
    return n;
  }

  set(alias: string, value: string): void {
    const key = ALIASES[alias] ?? alias;
    if (key === PIPELINE_NAME) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
        throw new EddyError('INVALID_OPTION', `'${PIPELINE_NAME}' must be a name of letters, digits and '_' (it becomes the query id), got '${value}'`, undefined, `e.g. SET '${PIPELINE_NAME}' = 'bids_per_minute'`);
      }
      this.pipelineName = value;
      return;
    }
    if (!(key in ALL_DEFAULTS)) {
      const known = Object.keys(ALL_DEFAULTS);
      const near = closest(key, [...known, ...Object.keys(ALIASES)]) ?? known.find((k) => k.includes(key) || key.includes(k.split('.').pop()!));
      throw new EddyError('INVALID_OPTION', `unknown setting '${key}'`, undefined, near ? `did you mean '${near}'?` : `known settings: ${known.join(', ')}`);
    }
    if (key.endsWith('interval') || key.endsWith('delay') || key.endsWith('timeout') || key.endsWith('ttl') || key.endsWith('lateness')) parseDuration(value, key);
    else if (key.endsWith('enabled')) {
      if (value !== 'true' && value !== 'false') throw new EddyError('INVALID_OPTION', `setting '${key}' needs 'true' or 'false', got '${value}'`);
    } else if (!/^\d+$/.test(value)) throw new EddyError('INVALID_OPTION', `setting '${key}' needs a whole number, got '${value}'`);
    this.values.set(key, value);
    this.explicit.add(key);
  }

  /** RESET: every setting back to its default, or just `alias` (validated as set() does). */
  reset(alias?: string): void {
    if (alias === undefined) {
      this.values.clear();
      for (const [k, v] of Object.entries(ALL_DEFAULTS)) this.values.set(k, v);
      this.explicit.clear();
      return;
    }
    const key = ALIASES[alias] ?? alias;
    const value = ALL_DEFAULTS[key];
    if (value === undefined) return this.set(alias, ''); // throws the unknown-setting error with its did-you-mean
    this.values.set(key, value);
    this.explicit.delete(key);
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
    const named: [string, string][] = this.pipelineName === undefined ? [] : [[PIPELINE_NAME, this.pipelineName]];
    return [...named, ...this.values.entries()].filter(([k]) => !LISTED_ONCE_SET.has(k) || this.explicit.has(k));
  }

  /** Allowed lateness and early-fire delay in ms as they apply to window queries planned now. */
  windowEmit(): { allowedLatenessMs: number; earlyFireDelayMs: number } {
    const enabled = this.get('table.exec.emit.early-fire.enabled') !== 'false';
    return {
      allowedLatenessMs: this.durationMs('table.exec.emit.allow-lateness'),
      earlyFireDelayMs: enabled ? this.durationMs('table.exec.emit.early-fire.delay') : 0,
    };
  }
}

