import type { Redis } from 'ioredis';
import { AUDIT_LUA_FUNCTIONS } from '../audit/index.js';
import type { AuditEntry, RedisAuditLog } from '../audit/index.js';
import { isFinished } from '../engine/index.js';
import { createUniqueTokens } from '../shared/index.js';
import type { RunState } from '../engine/index.js';
import type { RedisKeys } from './redis-keys.js';

/** A run as stored: its state plus what the driver keeps beside it. */
export interface StoredRun {
  readonly state: RunState;
  /** The lock the run holds or waits for, when its runbook names one. */
  readonly lock?: string;
  /** True while the run waits for its lock (state at version 0, no step started). */
  readonly waiting: boolean;
}

/** What a commit writes besides the state. */
export interface CommitExtras {
  /** Remember the run's lock name (first commit only). */
  readonly lock?: string;
  /** `wait` marks the run as waiting for its lock; `clear` removes the mark. */
  readonly waiting?: 'wait' | 'clear';
}

/** What became of a commit. */
export type CommitOutcome = 'committed' | 'conflict';

/** What claiming a step job found. */
export interface StepClaim {
  /** True when the commit that scheduled the job has not landed yet (nothing was marked). */
  readonly early?: false;
  readonly state: RunState;
  /**
   * Who marked this delivery's step started, when not this claim's `holder`: a redelivery. (The
   * client sends a claim again after a dropped connection; it then finds its own mark.)
   */
  readonly startedBy?: string;
}

/** Commit tokens a run keeps, to tell a commit sent again from a new one. */
const COMMITS_REMEMBERED = 8;

// KEYS: run, runs, active, audit stream, audit tail.
// ARGV: expectedVersion, newVersion, state, runId, startedAtMs, status, finished, channel,
//       lock, waiting, expectedSeq, expectedHash, newSeq, newHash, commit token, lines...
// A commit the client sends again after a dropped connection finds the run moved on, and its
// own token among the run's last ones: it landed the first time, and is answered as such.
const COMMIT_SCRIPT = `${AUDIT_LUA_FUNCTIONS}
local stored = redis.call('HMGET', KEYS[1], 'version', 'commits')
local current = tonumber(stored[1] or '-1')
local commits = stored[2] or ' '
if current ~= tonumber(ARGV[1]) then
  if string.find(commits, ' ' .. ARGV[15] .. ' ', 1, true) then return {'ok'} end
  return {'version', current}
end
local moved = audit_check(KEYS[5], ARGV[11], ARGV[12])
if moved then return {'tail', moved[1], moved[2]} end
local kept = {}
for token in string.gmatch(commits, '%S+') do
  if #kept < ${COMMITS_REMEMBERED - 1} then kept[#kept + 1] = token end
end
commits = ' ' .. ARGV[15] .. ' ' .. table.concat(kept, ' ') .. ' '
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'version', ARGV[2], 'status', ARGV[6],
  'commits', commits)
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'lock', ARGV[9]) end
if ARGV[10] == 'wait' then redis.call('HSET', KEYS[1], 'waiting', '1') end
if ARGV[10] == 'clear' then redis.call('HDEL', KEYS[1], 'waiting') end
if ARGV[7] == '1' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
  redis.call('SREM', KEYS[3], ARGV[4])
elseif tonumber(ARGV[1]) <= 0 then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
  redis.call('SADD', KEYS[3], ARGV[4])
end
audit_write(KEYS[4], KEYS[5], ARGV, 16, ARGV[13], ARGV[14])
redis.call('PUBLISH', ARGV[8], ARGV[4])
return {'ok'}
`;

// KEYS: run. ARGV: marker field, holder, minimum version. Marks a delivery started (persisted
// before the action runs), unless the state that scheduled it is not there yet.
// ARGV[4]: the version the caller holds a copy of; at that version the state is not sent ('=').
const CLAIM_SCRIPT = `
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return {} end
if tonumber(version) < tonumber(ARGV[3]) then return {'', 'early'} end
local state = '='
if version ~= ARGV[4] then state = redis.call('HGET', KEYS[1], 'state') end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then return {state} end
return {state, redis.call('HGET', KEYS[1], ARGV[1])}
`;

type ScriptCall = (...args: unknown[]) => unknown;

/**
 * Run state in Redis: one hash per run, written only by {@link commit}, which checks the
 * version it read and appends the transition's audit records in the same Lua script. A stale
 * worker's write is refused, never merged, and state and audit never disagree.
 */
export class RedisRunStore {
  private readonly nextToken = createUniqueTokens();
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly audit: RedisAuditLog,
  ) {
    redis.defineCommand('firebreakCommitRun', { numberOfKeys: 5, lua: COMMIT_SCRIPT });
    redis.defineCommand('firebreakClaimStep', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
  }

  async load(runId: string): Promise<StoredRun | undefined> {
    const key = this.keys.run(runId);
    const [state, lock, waiting] = await this.redis.hmget(key, 'state', 'lock', 'waiting');
    if (state === null || state === undefined) return undefined;
    return {
      state: JSON.parse(state) as RunState,
      lock: lock ?? undefined,
      waiting: waiting === '1',
    };
  }

  /** The lock a run holds or waits for, when its runbook names one. */
  async lockOf(runId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.run(runId), 'lock')) ?? undefined;
  }

  /**
   * Reads a run and marks delivery `marker` started by `holder` (unique to this delivery), in
   * one step; `early` when the run's version is still below `minVersion`. `known`, a state this
   * process committed, spares sending and parsing the state when it is still the stored one.
   */
  async claim(
    runId: string,
    marker: string,
    holder: string,
    minVersion: number,
    known?: RunState,
  ): Promise<StepClaim | { readonly early: true } | undefined> {
    const call = this.redis as unknown as Record<string, ScriptCall>;
    const key = this.keys.run(runId);
    const args = [key, marker, holder, minVersion, known?.version ?? -1];
    const reply = (await call['firebreakClaimStep']?.(...args)) as string[];
    if (reply?.[1] === 'early') return { early: true };
    if (!reply?.[0]) return undefined;
    // '=': the stored state is at the version of the copy the caller holds.
    const state = reply[0] === '=' && known ? known : (JSON.parse(reply[0]) as RunState);
    const startedBy = reply[1] === holder ? undefined : reply[1];
    return { state, startedBy };
  }

  /**
   * Writes `state` if the stored version is still `expectedVersion` (-1: the run must not
   * exist), with `audit` appended to the chain in the same script.
   */
  commit(
    expectedVersion: number,
    state: RunState,
    audit: readonly AuditEntry[],
    extras: CommitExtras = {},
  ): Promise<CommitOutcome> {
    const { keys } = this;
    const finished = isFinished(state) ? '1' : '0';
    const runKeys = [keys.run(state.runId), keys.runs, keys.activeRuns];
    // Tells a resent commit that landed from one that meets another's write.
    const token = this.nextToken();
    return this.audit.write<CommitOutcome>({
      entries: audit,
      queue: (pipeline, batch) => {
        const call = pipeline as unknown as Record<string, ScriptCall>;
        call['firebreakCommitRun']?.(
          ...runKeys,
          this.audit.streamKey,
          this.audit.tailKey,
          expectedVersion,
          state.version,
          JSON.stringify(state),
          state.runId,
          state.startedAtMs,
          state.status,
          finished,
          keys.changes,
          extras.lock ?? '',
          extras.waiting ?? '',
          batch.expected.seq,
          batch.expected.hash,
          batch.next.seq,
          batch.next.hash,
          token,
          ...batch.lines,
        );
      },
      settle: (reply) =>
        reply[0] === 'ok'
          ? { wrote: true, value: 'committed' }
          : { wrote: false, value: 'conflict' },
    });
  }

  /** Every run, oldest first; `limit` keeps the newest only. */
  async list(options: { limit?: number; activeOnly?: boolean } = {}): Promise<RunState[]> {
    const ids = options.activeOnly
      ? await this.redis.smembers(this.keys.activeRuns)
      : await this.redis.zrange(this.keys.runs, -(options.limit ?? 0) || 0, -1);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.run(id), 'state');
    const replies = (await pipeline.exec()) ?? [];
    const states = replies.flatMap(([, json]) =>
      typeof json === 'string' ? [JSON.parse(json) as RunState] : [],
    );
    return states.sort((a, b) => a.startedAtMs - b.startedAtMs);
  }

  /** Ids of runs not yet finished. */
  activeRunIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.activeRuns);
  }
}
