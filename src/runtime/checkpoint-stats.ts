import type { CheckpointInfo } from '../checkpoint/types.js';

/** One query's checkpoint figures in this process (DESCRIBE QUERY, /metrics). */
export interface QueryCheckpointStats {
  completed: number;
  failed: number;
  /** Wall time of the last completed checkpoint, or null. */
  lastCompletedAt: number | null;
  /** The newest completed checkpoints, newest first (at most RECENT). */
  readonly recent: CheckpointInfo[];
}

const RECENT = 5;

/** Counts the checkpoints the session's coordinators complete and fail, per query. */
export class CheckpointStats {
  private readonly byQuery = new Map<string, QueryCheckpointStats>();
  private readonly listeners: ((info: CheckpointInfo) => void)[] = [];

  of(queryId: string): QueryCheckpointStats {
    let s = this.byQuery.get(queryId);
    if (!s) {
      s = { completed: 0, failed: 0, lastCompletedAt: null, recent: [] };
      this.byQuery.set(queryId, s);
    }
    return s;
  }

  entries(): IterableIterator<[string, QueryCheckpointStats]> {
    return this.byQuery.entries();
  }

  completed(info: CheckpointInfo): void {
    const s = this.of(info.queryId);
    s.completed++;
    s.lastCompletedAt = info.createdAt;
    s.recent.unshift(info);
    if (s.recent.length > RECENT) s.recent.pop();
    for (const l of this.listeners) l(info);
  }

  failed(queryId: string): void {
    this.of(queryId).failed++;
  }

  /** Tells `listener` of every completed checkpoint from now on (the metrics' duration histogram). */
  onCompleted(listener: (info: CheckpointInfo) => void): void {
    this.listeners.push(listener);
  }
}
