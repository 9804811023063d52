export { Eddy, QueryResult, type EddyOptions, type ExecuteResult, type FunctionOptions, type ResultRow } from './engine.js';
export type { RegisterTableOptions } from './runtime/registered-tables.js';
export { EddyError, formatError, type ErrorCode, type Span } from './common/errors.js';
export type { SqlType, Value } from './common/types.js';
