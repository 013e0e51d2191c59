import type { Redis } from 'ioredis';
import type { Clock } from '../shared/index.js';

/** What {@link KeyValueStore.claim} found. */
export interface ClaimResult {
  /** True when this caller set the key; false when someone had set it first. */
  readonly claimed: boolean;
  /** The value now stored: ours when claimed, the first caller's otherwise. */
  readonly value: string;
}

/**
 * The little state chatops keeps outside the run: slash-command dedupe keys and where each
 * run's Slack messages are. In memory for one process, in Redis when several servers share it.
 */
export interface KeyValueStore {
  /** Sets `key` to `value` for `ttlMs` milliseconds unless it is already set. */
  claim(key: string, value: string, ttlMs: number): Promise<ClaimResult>;
  get(key: string): Promise<string | undefined>;
  /** Sets `key`, replacing any value, for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Keeps `key` for another `ttlMs` if it still holds `value`; false when it does not. */
  renew(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Removes `key` if it still holds `value`. */
  release(key: string, value: string): Promise<void>;
}

/** A {@link KeyValueStore} in this process's memory; entries expire on the given clock. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, { value: string; expiresAtMs: number }>();

  constructor(private readonly clock: Clock) {}

  async claim(key: string, value: string, ttlMs: number): Promise<ClaimResult> {
    return this.claimSync(key, value, ttlMs);
  }

  /** {@link claim} without a promise, for callers that must answer before any await. */
  claimSync(key: string, value: string, ttlMs: number): ClaimResult {
    const existing = this.read(key);
    if (existing !== undefined) return { claimed: false, value: existing };
    this.entries.set(key, { value, expiresAtMs: this.clock.now() + ttlMs });
    return { claimed: true, value };
  }

  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAtMs: this.clock.now() + ttlMs });
  }

  async renew(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== value) return false;
    this.entries.set(key, { value, expiresAtMs: this.clock.now() + ttlMs });
    return true;
  }

  async release(key: string, value: string): Promise<void> {
    if (this.read(key) === value) this.entries.delete(key);
  }

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > this.clock.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }
}

// KEYS: the key. ARGV: the value it must hold, then the new time to live in ms (renew only).
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** A {@link KeyValueStore} in Redis, so that several servers agree; keys get `prefix`. */
export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async renew(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW_SCRIPT, 1, this.prefix + key, value, ttlMs)) === 1;
  }

  async release(key: string, value: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.prefix + key, value);
  }

  async claim(key: string, value: string, ttlMs: number): Promise<ClaimResult> {
    const fullKey = this.prefix + key;
    const set = await this.redis.set(fullKey, value, 'PX', ttlMs, 'NX');
    if (set === 'OK') return { claimed: true, value };
    // Lost the race: report the winner's value (it may have expired in between; then ours).
    return { claimed: false, value: (await this.redis.get(fullKey)) ?? value };
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'PX', ttlMs);
  }
}

/**
 * This process's memory in front of a shared store: a retry that reaches the same process is
 * caught without a round trip, one that reaches another server is caught by the shared store.
 */
export class LayeredKeyValueStore implements KeyValueStore {
  constructor(
    private readonly local: KeyValueStore,
    private readonly shared: KeyValueStore,
  ) {}

  async claim(key: string, value: string, ttlMs: number): Promise<ClaimResult> {
    const local = await this.local.claim(key, value, ttlMs);
    if (!local.claimed) return local;
    let shared: ClaimResult;
    try {
      shared = await this.shared.claim(key, value, ttlMs);
    } catch (error) {
      // Not claimed anywhere but here: forget it, or the next claim would take it as ours.
      await this.local.release(key, value);
      throw error;
    }
    // Another server was first: this process's memory must not hold our value. It keeps none,
    // so that the next claim asks the shared store again (the winner's may have gone).
    if (!shared.claimed) await this.local.release(key, value);
    return shared;
  }

  /** Asks the shared store: another server may have changed the key since this one set it. */
  async get(key: string): Promise<string | undefined> {
    return this.shared.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.local.set(key, value, ttlMs);
    await this.shared.set(key, value, ttlMs);
  }

  /** Asks the shared store only: another server may have taken the key since. */
  async renew(key: string, value: string, ttlMs: number): Promise<boolean> {
    const renewed = await this.shared.renew(key, value, ttlMs);
    if (renewed) await this.local.set(key, value, ttlMs);
    else await this.local.release(key, value);
    return renewed;
  }

  async release(key: string, value: string): Promise<void> {
    await this.local.release(key, value);
    await this.shared.release(key, value);
  }
}
