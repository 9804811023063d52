import type * as Kafka from '@platformatic/kafka';
import { internalError } from '../../common/errors.js';

/**
 * The Kafka client library (@platformatic/kafka), loaded on first use: importing it compiles its
 * JSON schemas (ajv) and costs about half a second of every start, which a query without a Kafka
 * stream should not pay. Every async entry point of the Kafka connectors (a source's first read, a
 * sink's restore) awaits loadKafka(); code after it takes the classes from kafkaLib().
 */
let lib: typeof Kafka | null = null;

export async function loadKafka(): Promise<typeof Kafka> {
  lib ??= await import('@platformatic/kafka');
  return lib;
}

/** The loaded library; an internal error before loadKafka() resolved. */
export function kafkaLib(): typeof Kafka {
  if (lib === null) throw internalError('the Kafka client library is used before loadKafka()');
  return lib;
}
