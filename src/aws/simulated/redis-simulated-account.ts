import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createUniqueTokens, FirebreakError } from '../../shared/index.js';
import type { AwsServiceName } from './fault-injector.js';
import { SimulatedAccount } from './simulated-account.js';
import type { SimulatedAccountOptions, SimulatedAccountSavedState } from './simulated-account.js';
import type { SimulatedAccountSeed } from './seed-schema.js';

/** Options for {@link RedisSimulatedAccount}. */
export interface RedisSimulatedAccountOptions extends SimulatedAccountOptions {
  /** The connection to keep the account on. The account does not close it. */
  redis: Redis;
  /** The key holding the account (JSON), e.g. `firebreak:simulated-account`. */
  key: string;
}

/** Attempts at one call before giving up on a busy account. */
const MAX_OPTIMISTIC_ATTEMPTS = 50;

/** Writes of the account remembered by their tokens, to tell one sent again from a new one. */
const WRITES_REMEMBERED = 1000;

// KEYS: account, the tokens of its recent writes. ARGV: SHA-1 of the account as read ('' when
// there was none), the account to write, a token of this write. Writes only over the account
// as read. A write the client sends again after a dropped connection finds its token among the
// recent ones: it landed, and is answered as such. (Two processes may well compute the same
// account: the token tells.)
const WRITE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local read = current and redis.sha1hex(current) or ''
if read == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('LPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], 0, ${WRITES_REMEMBERED - 1})
  return 1
end
if redis.call('LPOS', KEYS[2], ARGV[3]) then return 1 end
return 0
`;

/** The script above, as ioredis defines it on the connection. */
interface AccountCommands {
  firebreakWriteAccount(
    key: string,
    tokenKey: string,
    read: string,
    next: string,
    token: string,
  ): Promise<number>;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * A simulated account whose state lives in Redis, so that several worker processes act on one
 * account (crash tests, live exercises with real workers). Each call reads the account, applies
 * the operation in memory and writes it back only over what it read (a Lua compare-and-set),
 * retrying when another process wrote first; a failed call writes nothing. The first process to
 * find the key empty seeds it.
 */
export class RedisSimulatedAccount extends SimulatedAccount {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly nextWrite = createUniqueTokens();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(seed: SimulatedAccountSeed, options: RedisSimulatedAccountOptions) {
    super(seed, options);
    this.redis = options.redis;
    this.key = options.key;
    this.redis.defineCommand('firebreakWriteAccount', { numberOfKeys: 2, lua: WRITE_SCRIPT });
  }

  override handle(service: AwsServiceName, operation: string, input: object): Promise<object> {
    // Calls from this process go one at a time (they would only make each other retry).
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
    const redis = this.redis as unknown as AccountCommands;
    for (let attempt = 1; ; attempt++) {
      const saved = await this.redis.get(this.key);
      if (saved !== null) this.importState(JSON.parse(saved) as SimulatedAccountSavedState);
      const result = await super.handle(service, operation, input);
      const next = JSON.stringify(this.exportState());
      const read = saved === null ? '' : sha1(saved);
      const token = this.nextWrite();
      const tokenKey = `${this.key}:writes`;
      if ((await redis.firebreakWriteAccount(this.key, tokenKey, read, next, token)) === 1) {
        return result;
      }
      if (attempt >= MAX_OPTIMISTIC_ATTEMPTS) {
        const message = `simulated account ${this.key} stayed busy for ${attempt} attempts; retry the step`;
        throw new FirebreakError('SIMULATED_ACCOUNT_BUSY', message);
      }
    }
  }
}
