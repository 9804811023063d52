import type * as Arquero from 'arquero';
import { internalError } from '../common/errors.js';

/**
 * arquero, loaded on first use: importing it costs every start (about 100-200 ms) and only
 * materialized views (point-in-time queries, snapshot()) and QueryResult.toTable() use it. A
 * materialized view loads it when it is created, so the synchronous point-in-time path finds it.
 */
let lib: typeof Arquero | null = null;

export async function loadArquero(): Promise<typeof Arquero> {
  lib ??= await import('arquero');
  return lib;
}

/** The loaded library; an internal error before loadArquero() resolved. */
export function arquero(): typeof Arquero {
  if (lib === null) throw internalError('arquero is used before loadArquero()');
  return lib;
}
