export type { AuditEntry, AuditEventType, AuditRecord, AuditSink } from './audit-entry.js';
export { appendAll } from './audit-entry.js';
export { GENESIS_HASH, sealRecord } from './hash-chain.js';
export { verifyChainLines } from './verify-chain.js';
export type { ChainVerification, WrittenTail } from './verify-chain.js';
export {
  FileAuditLog,
  MemoryAuditLog,
  readWrittenTail,
  toTailPath,
  verifyLogFile,
} from './file-audit-log.js';
export type { LogFileVerification, TailReading } from './file-audit-log.js';
export type { FileAuditLogOptions } from './file-audit-log.js';
export { AuditChainBrokenError } from './errors.js';
export { RedisAuditLog, AUDIT_LUA_FUNCTIONS } from './redis-audit-log.js';
export type {
  AuditWrite,
  ChainTail,
  RedisAuditLogOptions,
  SealedAuditBatch,
} from './redis-audit-log.js';
export { RefusalAudit } from './refusal-audit.js';
export type { RefusalAuditOptions, RefusalEntry } from './refusal-audit.js';
