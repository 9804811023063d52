export { ByteReader, ByteWriter, ChunkFormatError } from './byte-io.js';
export { KEY_GROUP_COUNT, keyGroupOf } from './key-group.js';
export { KeyedStateBackend } from './keyed-state-backend.js';
export { KeyedStateTable, StateEntry, jsonCodec, type StateCodec } from './keyed-state-table.js';
export { readTagged, valuesCodec, writeTagged } from './tagged-value.js';
export { PendingSnapshot } from './pending-snapshot.js';
