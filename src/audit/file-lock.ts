import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { FirebreakError } from '../shared/index.js';

/** Longest a lock may be held before it is taken as left by a process that died. */
export const LOCK_STALE_MS = 10_000;
/** Longest a caller waits for the lock. */
const LOCK_WAIT_MS = 10_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

/**
 * Removes the stale lock file that `seen` describes, and only that one. The file is moved
 * aside in one rename (a single waiter can win it); should the file moved turn out to be a
 * fresh lock (another waiter took the stale one over first and locked anew), it is linked back
 * where it was, unchanged, so its holder keeps it.
 */
export function takeOverStaleLock(lockPath: string, seen: Stats): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return; // released or taken over meanwhile
    throw error;
  }
  const moved = statSync(aside);
  const same = moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs;
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch (error) {
      // A third waiter locked in the instant between: nothing better is left than to let go.
      if (codeOf(error) !== 'EEXIST') throw error;
    }
  }
  // A folder in the lock's place is stale all the same.
  rmSync(aside, { force: true, recursive: true });
}

/** Whether a lock's token names a process of this machine that is gone (killed, crashed). */
function heldByDeadProcess(lockPath: string): boolean {
  let token: string;
  try {
    token = readFileSync(lockPath, 'utf8');
  } catch {
    return false;
  }
  const [host, pidText] = token.trim().split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return codeOf(error) === 'ESRCH';
  }
}

/**
 * Takes `lockPath` (created exclusively, holding a token of this holder) so that processes on
 * one machine take turns; returns the release, which removes the file only while it still
 * holds this token. A lock whose holder on this machine is gone, or older than
 * {@link LOCK_STALE_MS}, is a dead process's and is taken over; after 10 s of waiting for a
 * live one, AUDIT_LOG_LOCKED names the file.
 */
export function lockFile(lockPath: string, guarded: string): () => void {
  const token = `${hostname()} ${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      return () => releaseLock(lockPath, token);
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
    const held = statSync(lockPath, { throwIfNoEntry: false });
    // Far in the future counts too: a clock set back must not make a lock live for ever.
    const stale = held && Math.abs(Date.now() - held.mtimeMs) > LOCK_STALE_MS;
    if (held && (stale || heldByDeadProcess(lockPath))) {
      takeOverStaleLock(lockPath, held);
      continue;
    }
    if (Date.now() > deadline) {
      throw new FirebreakError(
        'AUDIT_LOG_LOCKED',
        `${lockPath} has been held for ${LOCK_WAIT_MS / 1000} s; ` +
          `if no firebreak process is writing ${guarded}, remove it`,
      );
    }
    Atomics.wait(pause, 0, 0, 2);
  }
}

function releaseLock(lockPath: string, token: string): void {
  let holder: string;
  try {
    holder = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw error;
  }
  // Held so long that another process took it over as stale: it is theirs now.
  if (holder === token) rmSync(lockPath, { force: true });
}
