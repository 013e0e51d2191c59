import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_STALE_MS, lockFile, takeOverStaleLock } from '../../src/audit/file-lock.js';

let dir: string;
let lockPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-lock-'));
  lockPath = join(dir, 'audit.jsonl.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a lock file as another holder would, last touched `ageMs` ago. */
function writeLock(token: string, ageMs: number): void {
  writeFileSync(lockPath, token);
  const at = new Date(Date.now() - ageMs);
  utimesSync(lockPath, at, at);
}

describe('lockFile', () => {
  it('creates the lock with a token of its holder and removes it on release', () => {
    const release = lockFile(lockPath, 'audit.jsonl');
    expect(readFileSync(lockPath, 'utf8')).toMatch(
      new RegExp(`^${hostname()} ${process.pid} [0-9a-f]{16}\\n$`),
    );
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock left by a dead process, leaving no file behind', () => {
    writeLock('4242:dead\n', LOCK_STALE_MS + 5_000);
    const release = lockFile(lockPath, 'audit.jsonl');
    expect(readFileSync(lockPath, 'utf8')).toContain(` ${process.pid} `);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over at once a fresh lock whose holder on this machine is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number;
    writeLock(`${hostname()} ${gone} 0123456789abcdef\n`, 0);

    const release = lockFile(lockPath, 'audit.jsonl');

    expect(readFileSync(lockPath, 'utf8')).toContain(` ${process.pid} `);
    release();
  });

  it('takes over a lock touched far in the future (a clock set back)', () => {
    writeLock('garbage', -(LOCK_STALE_MS + 60_000));
    const release = lockFile(lockPath, 'audit.jsonl');
    expect(readFileSync(lockPath, 'utf8')).toContain(` ${process.pid} `);
    release();
  });

  it('takes over a stale lock that is a folder', () => {
    mkdirSync(lockPath);
    const at = new Date(Date.now() - LOCK_STALE_MS - 5_000);
    utimesSync(lockPath, at, at);

    const release = lockFile(lockPath, 'audit.jsonl');
    release();

    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves a lock alone on release once another holder has it', () => {
    const release = lockFile(lockPath, 'audit.jsonl');
    writeLock('4242:next-holder\n', 0);
    release();
    expect(readFileSync(lockPath, 'utf8')).toBe('4242:next-holder\n');
  });
});

describe('takeOverStaleLock', () => {
  it('removes the stale lock it saw', () => {
    writeLock('4242:dead\n', LOCK_STALE_MS + 5_000);
    takeOverStaleLock(lockPath, statSync(lockPath));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('puts back a fresh lock another waiter took in the meantime, unchanged', () => {
    // Both waiters saw the dead process's lock; the other one replaced it first.
    writeLock('4242:dead\n', LOCK_STALE_MS + 5_000);
    const seen = statSync(lockPath);
    rmSync(lockPath);
    writeLock('5151:took-over\n', 0);
    const fresh = statSync(lockPath);

    takeOverStaleLock(lockPath, seen);

    expect(readFileSync(lockPath, 'utf8')).toBe('5151:took-over\n');
    expect(statSync(lockPath).ino).toBe(fresh.ino);
    expect(readdirSync(dir)).toEqual(['audit.jsonl.lock']);
  });

  it('does nothing when the lock is already gone', () => {
    writeLock('4242:dead\n', LOCK_STALE_MS + 5_000);
    const seen = statSync(lockPath);
    rmSync(lockPath);
    takeOverStaleLock(lockPath, seen);
    expect(readdirSync(dir)).toEqual([]);
  });
});
