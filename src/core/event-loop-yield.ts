/**
 * Lets the event loop serve what waits (health checks, other clients' sockets) between the statements
 * of a long transaction: better-sqlite3 runs each statement synchronously and an await on it never
 * leaves the microtask queue, so a scan's thousands of rows would otherwise be one uninterrupted
 * block. The transaction stays one transaction.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
