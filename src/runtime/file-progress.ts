import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SourceReader } from '../connectors/connector.js';
import { connectorOf } from '../connectors/registry.js';
import type { StreamDef } from '../planner/catalog.js';
import { ProgressReader } from './progress-reader.js';

/** A file source's reader wrapped to report bytes read of the file's size; other readers unchanged. */
export function withFileProgress(stream: StreamDef, reader: SourceReader, baseDir: string): SourceReader {
  const path = stream.options['path'];
  if (connectorOf(stream) !== 'file' || path === undefined) return reader;
  let size: number;
  try {
    size = statSync(isAbsolute(path) ? path : resolve(baseDir, path)).size;
  } catch {
    return reader; // the reader reports a missing file itself, with its own message
  }
  return new ProgressReader(reader, size);
}
