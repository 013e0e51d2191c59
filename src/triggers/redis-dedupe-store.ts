import type { Redis } from 'ioredis';
import type {
  DedupeStore,
  DeliveryClaim,
  DeliveryClaimRequest,
  IncidentClaim,
} from './dedupe-store.js';

/** Default for {@link RedisDedupeStoreOptions.keyPrefix}. */
export const DEFAULT_DEDUPE_KEY_PREFIX = 'firebreak:trigger:';

/** Options for {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions {
  /** A connected client; the store does not close it. */
  redis: Redis;
  /** Prefix of every key the store writes. Default `firebreak:trigger:`. */
  keyPrefix?: string;
}

// KEYS: the MessageId's key, then one key per incident. ARGV: the MessageId's TTL, then a run id
// and a window per incident. A taken MessageId claims nothing; otherwise each incident key is
// SET NX, and the answer names the run that holds it even when another server took it a
// moment earlier.
const CLAIM_DELIVERY = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end
local holders = {}
for i = 2, #KEYS do
  local runId = ARGV[2 * i - 2]
  if redis.call('SET', KEYS[i], runId, 'NX', 'PX', ARGV[2 * i - 1]) then
    holders[i - 1] = runId
  else
    holders[i - 1] = redis.call('GET', KEYS[i])
  end
end
return holders`;

const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A TTL for `SET PX`: whole milliseconds, at least one. Redis refuses `PX 0`, and a script that
 * fails after taking the MessageId would keep it without doing the rest.
 */
function toTtlArg(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)));
}

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
    // The number of keys varies per delivery, so it is passed with each call.
    this.redis.defineCommand('firebreakClaimDelivery', { lua: CLAIM_DELIVERY });
  }

  async claimDelivery(request: DeliveryClaimRequest): Promise<DeliveryClaim> {
    const keys = [`${this.prefix}msg:${request.messageId}`];
    const args = [toTtlArg(request.messageTtlMs)];
    for (const { incidentKey, runId, windowMs } of request.incidents) {
      keys.push(`${this.prefix}incident:${incidentKey}`);
      args.push(runId, toTtlArg(windowMs));
    }
    const call = this.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const reply = (await call['firebreakClaimDelivery']?.(keys.length, ...keys, ...args)) as
      string[] | null;
    if (reply === null || reply === undefined) return { duplicate: true };
    const incidents = request.incidents.map(({ runId }, index): IncidentClaim => {
      const held = reply[index] ?? runId;
      return { claimed: held === runId, runId: held };
    });
    return { duplicate: false, incidents };
  }

  async releaseMessage(messageId: string): Promise<void> {
    await this.redis.del(`${this.prefix}msg:${messageId}`);
  }

  async findIncident(incidentKey: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}incident:${incidentKey}`)) ?? undefined;
  }

  async releaseIncident(incidentKey: string, runId: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_HELD, 1, `${this.prefix}incident:${incidentKey}`, runId);
  }
}
