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

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > this.clock.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }
}

/** A {@link KeyValueStore} in Redis, so that several servers agree; keys get `prefix`. */
export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

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
    return this.shared.claim(key, value, ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.local.get(key)) ?? this.shared.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.local.set(key, value, ttlMs);
    await this.shared.set(key, value, ttlMs);
  }
}
