import type { Redis } from 'ioredis';
import type { DedupeStore, IncidentClaim } from './dedupe-store.js';

/** Default for {@link RedisDedupeStoreOptions.keyPrefix}. */
export const DEFAULT_DEDUPE_KEY_PREFIX = 'firebreak:trigger:';

/** Options for {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** A connected client; the store does not close it. */
  redis: Redis;
  /** Prefix of every key the store writes. Default `firebreak:trigger:`. */
  keyPrefix?: string;
}

// SET NX then GET in one script, so the answer names the run that holds the key even when
// another server took it a moment earlier.
const CLAIM_INCIDENT = `
local taken = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
if taken then return ARGV[1] end
return redis.call('GET', KEYS[1])`;

const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A {@link DedupeStore} in Redis, shared by every server: `<prefix>msg:<MessageId>` and
 * `<prefix>incident:<key>`, each with a TTL, so nothing needs sweeping.
 */
export class RedisDedupeStore implements DedupeStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisDedupeStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix ?? DEFAULT_DEDUPE_KEY_PREFIX;
  }

  async claimMessage(messageId: string, ttlMs: number): Promise<boolean> {
    const key = `${this.prefix}msg:${messageId}`;
    return (await this.redis.set(key, '1', 'PX', Math.ceil(ttlMs), 'NX')) === 'OK';
  }

  async releaseMessage(messageId: string): Promise<void> {
    await this.redis.del(`${this.prefix}msg:${messageId}`);
  }

  async claimIncident(
    incidentKey: string,
    runId: string,
    windowMs: number,
  ): Promise<IncidentClaim> {
    const key = `${this.prefix}incident:${incidentKey}`;
    const ttl = String(Math.ceil(windowMs));
    const held = (await this.redis.eval(CLAIM_INCIDENT, 1, key, runId, ttl)) as string;
    return { claimed: held === runId, runId: held };
  }

  async findIncident(incidentKey: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}incident:${incidentKey}`)) ?? undefined;
  }

  async releaseIncident(incidentKey: string, runId: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_HELD, 1, `${this.prefix}incident:${incidentKey}`, runId);
  }
}
