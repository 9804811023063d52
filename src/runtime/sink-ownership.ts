import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { StreamDef } from '../planner/catalog.js';
import type { PersistedQueryStatus } from '../checkpoint/store.js';

/** How a persistent query's fresh start treats what its sink already holds: INSERT INTO / CREATE STREAM AS append, INSERT OVERWRITE replaces. */
export type SinkWriteMode = 'append' | 'overwrite';

/**
 * The stable id of a persistent statement: `<base>_<hash of its text>`. The same script run again
 * gives every statement the id it had (so each resumes its own checkpoints), and a different
 * statement into the same sink never inherits another's state. Only the text counts, not the
 * statement's place in its script: an edit above it must not orphan its state, and two identical
 * statements cannot both run anyway (a sink has one writer). Whitespace and a trailing ';' do not
 * count; a user who wants an identity that survives edits names the query (SET 'pipeline.name').
 */
export function persistentQueryId(base: string, text: string): string {
  const normal = text.replace(/\s+/g, ' ').trim().replace(/\s*;$/, '');
  return `${base}_${createHash('sha256').update(normal).digest('hex').slice(0, 8)}`;
}

/**
 * What a stream's sink is, so two streams declared over one file (or table, or topic) count as one
 * sink: the connector and its resolved target.
 */
export function sinkKeyOf(stream: StreamDef, baseDir: string): string {
  const o = stream.options;
  const connector = (o['connector'] ?? '').toLowerCase();
  const path = (p: string | undefined) => (p === undefined ? '' : p === ':memory:' || isAbsolute(p) ? p : resolve(baseDir, p));
  switch (connector) {
    case 'file':
    case 'filesystem':
      return `file:${path(o['path']?.trim())}`;
    case 'sqlite':
      return `sqlite:${path(o['path']?.trim())}#${(o['table'] ?? '').trim().toLowerCase()}`;
    case 'kafka':
    case 'upsert-kafka':
      return `kafka:${o['properties.bootstrap.servers'] ?? ''}/${o['topic'] ?? ''}`;
    default:
      return `stream:${stream.name}`;
  }
}

/** A recorded query that some process runs, or that the next start resumes: it owns its sink. */
export const isResumable = (status: PersistedQueryStatus): boolean => status === 'RUNNING' || status === 'RESTARTING';

/** The name a user gave a query (SET 'pipeline.name'), or '' for an id derived from its text. */
export const queryName = (id: string): string => (/_[0-9a-f]{8}$/.test(id) ? '' : id);
