import type * as Flechette from '@uwdata/flechette';
import { loadArquero } from '../common/arquero-lib.js';
import { internalError } from '../common/errors.js';

/**
 * flechette (Arrow IPC), loaded when a file of format 'arrow' is opened: importing it costs every
 * start ~50-70 ms (a CommonJS file Node scans for its exports) and only the Arrow format uses it.
 * arquero, through which Arrow batches are read and written, is loaded with it.
 */
let lib: typeof Flechette | null = null;

export async function loadArrowLibs(): Promise<typeof Flechette> {
  await loadArquero();
  lib ??= await import('@uwdata/flechette');
  return lib;
}

/** The loaded library; an internal error before loadArrowLibs() resolved. */
export function flechette(): typeof Flechette {
  if (lib === null) throw internalError('flechette is used before loadArrowLibs()');
  return lib;
}
