/** A primary-key or unique-index violation, on PostgreSQL (23505) or SQLite: a concurrent writer won. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * PostgreSQL chose this transaction as a deadlock's victim (40P01): nothing it wrote is kept, and
 * running it again is the documented answer.
 */
export function isDeadlock(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === '40P01';
}
