/**
 * A FIFO async mutex. better-sqlite3 is synchronous: if two connections of ONE process both want the
 * SQLite write lock, the second one's busy wait blocks the event loop, so the first can never finish
 * and both fail with "database is locked". Serializing writers per database file inside the process
 * avoids that; between processes SQLite's own lock and busy_timeout do the job.
 */
export interface WriterLock {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createWriterLock(): WriterLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn, fn);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

const sqliteLocks = new Map<string, WriterLock>();

/** The one writer lock of this process for a SQLite file (by absolute path). */
export function sqliteWriterLock(file: string): WriterLock {
  let lock = sqliteLocks.get(file);
  if (lock === undefined) {
    lock = createWriterLock();
    sqliteLocks.set(file, lock);
  }
  return lock;
}
