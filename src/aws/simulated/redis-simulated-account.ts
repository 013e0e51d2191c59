import type { Redis } from 'ioredis';
import { FirebreakError } from '../../shared/index.js';
import type { AwsServiceName } from './fault-injector.js';
import { SimulatedAccount } from './simulated-account.js';
import type { SimulatedAccountOptions, SimulatedAccountSavedState } from './simulated-account.js';
import type { SimulatedAccountSeed } from './seed-schema.js';

/** Options for {@link RedisSimulatedAccount}. */
export interface RedisSimulatedAccountOptions extends SimulatedAccountOptions {
  /**
   * A connection of this account's own: it uses WATCH/MULTI, which must not share a connection
   * with other commands. The account does not close it.
   */
  redis: Redis;
  /** The key holding the account (JSON), e.g. `firebreak:simulated-account`. */
  key: string;
}

/** Attempts at one call before giving up on a busy account. */
const MAX_OPTIMISTIC_ATTEMPTS = 50;

/**
 * A simulated account whose state lives in Redis, so that several worker processes act on one
 * account (crash tests, live exercises with real workers). Each call reads the account, applies
 * the operation in memory and writes it back under WATCH, retrying when another process wrote
 * first; a failed call writes nothing. The first process to find the key empty seeds it.
 */
export class RedisSimulatedAccount extends SimulatedAccount {
  private readonly redis: Redis;
  private readonly key: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(seed: SimulatedAccountSeed, options: RedisSimulatedAccountOptions) {
    super(seed, options);
    this.redis = options.redis;
    this.key = options.key;
  }

  override handle(service: AwsServiceName, operation: string, input: object): Promise<object> {
    // WATCH is per connection: calls from this process go one at a time.
    const next = this.chain.then(() => this.handleShared(service, operation, input));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Reads the shared state into this instance (for `snapshot()` and friends). */
  async refresh(): Promise<void> {
    const saved = await this.redis.get(this.key);
    if (saved !== null) this.importState(JSON.parse(saved) as SimulatedAccountSavedState);
  }

  private async handleShared(service: AwsServiceName, operation: string, input: object) {
    for (let attempt = 1; ; attempt++) {
      await this.redis.watch(this.key);
      const saved = await this.redis.get(this.key);
      if (saved !== null) this.importState(JSON.parse(saved) as SimulatedAccountSavedState);
      let result: object;
      try {
        result = await super.handle(service, operation, input);
      } catch (error) {
        await this.redis.unwatch();
        throw error;
      }
      const written = await this.redis
        .multi()
        .set(this.key, JSON.stringify(this.exportState()))
        .exec();
      if (written !== null) return result;
      if (attempt >= MAX_OPTIMISTIC_ATTEMPTS) {
        const message = `simulated account ${this.key} stayed busy for ${attempt} attempts; retry the step`;
        throw new FirebreakError('SIMULATED_ACCOUNT_BUSY', message);
      }
    }
  }
}
