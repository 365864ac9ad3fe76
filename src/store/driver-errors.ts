/** Recognizes engine errors by their codes (better-sqlite3 `SqliteError.code`, pg `DatabaseError.code`). */
function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique or primary-key violation: someone else inserted the same key first. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  // PostgreSQL 23505 unique_violation; SQLite extended result codes.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A transaction PostgreSQL aborted to keep its isolation promise; safe to retry from the start. */
export function isRetryableTransactionFailure(error: unknown): boolean {
  const code = codeOf(error);
  // 40001 serialization_failure, 40P01 deadlock_detected.
  return code === '40001' || code === '40P01';
}
