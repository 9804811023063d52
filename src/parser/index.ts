export * from './ast.js';
export { parseScript, parseStatement, parseExpression, type ParsedStatement } from './parse.js';
export { isCompleteStatement } from './complete.js';
