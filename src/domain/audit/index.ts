export type { AuditChainResult, AuditEntry, AuditEntryInput } from './types.js';
export { canonicalJson, findBrokenLink, GENESIS_HASH, hashAuditEntry, sha256Hex } from './chain.js';
