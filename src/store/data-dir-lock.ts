/**
 * One server process per SQLite data directory. SQLite itself serializes writers between processes,
 * but two `ratchet serve` on one directory would each run a delivery worker and each believe it owns
 * the embedded store (issue 8: "the SQLite engine refuses a second server process"). The lock is a
 * file created with O_EXCL holding the owner's PID; a lock whose PID is no longer alive (the owner
 * was SIGKILLed) is stale and taken over. PostgreSQL deployments do not need it: several processes
 * share that database by design.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConflictError } from '../domain/errors/index.js';

export const DATA_DIR_LOCK_FILE = 'ratchet.lock';

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file; safe to call more than once. */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Takes the data directory's lock for this process, or throws ConflictError naming the process that
 * holds it. The lock is released on `release()` and on process exit.
 *
 * @example const lock = lockDataDir('./.ratchet'); ...; lock.release();
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(resolve(dataDir), DATA_DIR_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(file);
      if (owner !== null && owner !== process.pid && isAlive(owner)) {
        throw new ConflictError(
          `The data directory ${resolve(dataDir)} is in use by another Ratchet server (process ${String(owner)}).`,
          {
            remedy:
              'Stop that server first, or point this one at another --data-dir. To run several servers, share a PostgreSQL database (--database-url).',
            extra: { lockFile: file, pid: owner },
          },
        );
      }
      // Stale: its owner is gone (crash, SIGKILL) or the file is unreadable. Take it over once.
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first; the next openSync decides who wins.
      }
      continue;
    }
    writeSync(fd, `${String(process.pid)}\n`);
    closeSync(fd);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.removeListener('exit', release);
      if (ownerOf(file) === process.pid) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new ConflictError(`Could not take the lock ${file}: another process keeps recreating it.`, {
    remedy: 'Check which Ratchet processes use this data directory and stop all but one.',
  });
}
