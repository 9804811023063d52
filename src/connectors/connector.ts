/** The source and sink interfaces live in src/common (exec, connectors and checkpoint all use them); re-exported for the connectors. */
export * from '../common/connector.js';
