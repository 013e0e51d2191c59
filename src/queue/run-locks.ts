import type { Redis } from 'ioredis';
import { FINISHED_RUN_STATUSES } from '../engine/index.js';
import type { RedisKeys } from './redis-keys.js';

/** What a runbook's `lockMode` asks for when another run holds the lock. */
export type LockMode = 'wait' | 'refuse';

/** What became of asking for a lock. */
export type LockOutcome =
  | { readonly kind: 'acquired' }
  | { readonly kind: 'waiting'; readonly heldBy: string }
  | { readonly kind: 'refused'; readonly heldBy: string };

const FINISHED_LUA = `{${FINISHED_RUN_STATUSES.map((s) => `['${s}']=true`).join(',')}}`;

// KEYS: lock, waiters. ARGV: runId, mode, run key prefix.
// A holder that is finished (or gone) left its lock behind when it died: it counts as free.
const ACQUIRE_SCRIPT = `
local finished = ${FINISHED_LUA}
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  local status = redis.call('HGET', ARGV[3] .. holder, 'status')
  if not status or finished[status] then holder = false end
end
if not holder or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  return {'acquired'}
end
if ARGV[2] == 'wait' then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return {'waiting', holder}
end
return {'refused', holder}
`;

// KEYS: lock, waiters. ARGV: runId. Hands the lock to the oldest waiter, if any.
const RELEASE_SCRIPT = `
redis.call('LREM', KEYS[2], 0, ARGV[1])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {'not_held'} end
local nextRun = redis.call('LPOP', KEYS[2])
if nextRun then
  redis.call('SET', KEYS[1], nextRun)
  return {'released', nextRun}
end
redis.call('DEL', KEYS[1])
return {'released'}
`;

/** What became of releasing a lock. */
export type ReleaseOutcome =
  { readonly released: false } | { readonly released: true; readonly next?: string };

type ScriptCall = (...args: unknown[]) => Promise<string[]>;

/**
 * Resource locks named by a runbook's `lock` expression: one run acts on a resource at a time;
 * the others wait in line (FIFO) or are refused. Locks have no expiry, because a run may wait
 * a day for approval; a lock left by a finished run is taken over (see the acquire script).
 */
export class RunLocks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    redis.defineCommand('firebreakLockAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('firebreakLockRelease', { numberOfKeys: 2, lua: RELEASE_SCRIPT });
  }

  /** Takes the lock for `runId`, or queues it (`wait`), or says who holds it (`refuse`). */
  async acquire(name: string, runId: string, mode: LockMode): Promise<LockOutcome> {
    const keys = [this.keys.lock(name), this.keys.lockWaiters(name)];
    const reply = await this.call('firebreakLockAcquire')(...keys, runId, mode, this.keys.run(''));
    if (reply[0] === 'acquired') return { kind: 'acquired' };
    const heldBy = String(reply[1]);
    return reply[0] === 'waiting' ? { kind: 'waiting', heldBy } : { kind: 'refused', heldBy };
  }

  /** Gives up `runId`'s hold (or its place in line); says which run holds the lock now. */
  async release(name: string, runId: string): Promise<ReleaseOutcome> {
    const keys = [this.keys.lock(name), this.keys.lockWaiters(name)];
    const reply = await this.call('firebreakLockRelease')(...keys, runId);
    return reply[0] === 'released' ? { released: true, next: reply[1] } : { released: false };
  }

  /** The run holding the lock on `name`, if any. */
  async holder(name: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.lock(name))) ?? undefined;
  }

  private call(name: string): ScriptCall {
    const commands = this.redis as unknown as Record<string, ScriptCall>;
    return (...args) => (commands[name] as ScriptCall).apply(this.redis, args);
  }
}
