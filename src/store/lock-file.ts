import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** Raised when another live process holds the data directory. */
export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holderPid: number,
  ) {
    super(
      `the data directory is in use by another Norma process (pid ${holderPid}); stop it, or set NORMA_DATA to another directory (lock file: ${path})`,
    );
    this.name = 'LockHeldError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM means the process exists but belongs to someone else: still a live holder.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file holding this process's pid; a stale lock (dead holder) is taken over.
 * @example const release = acquireLock('.norma-data/norma.lock'); ... release();
 */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue; // removed between our open and read: try again
      }
      // Our own pid counts as a live holder: two stores on one directory in one process is as bad.
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new LockHeldError(path, holder);
      }
      try {
        unlinkSync(path); // stale: its holder died without releasing
      } catch {
        /* someone else removed it first */
      }
    }
  }
  throw new Error(`could not take the lock file ${path}`);
}
