import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { RedisAuditLog } from '../../src/audit/index.js';
import { createAwsClients, RedisSimulatedAccount } from '../../src/aws/index.js';
import { BullmqDriver, createRedisConnection } from '../../src/queue/index.js';
import type { BullmqDriverOptions } from '../../src/queue/index.js';
import { parseRunbook, RunbookCatalog } from '../../src/runbook/index.js';
import { createLogger, createSilentLogger, createSystemClock } from '../../src/shared/index.js';
import { createSampleSeed, IDS } from '../aws/sample-seed.js';
import { testActions } from './fixtures/test-actions.js';

/** A volume of the sample seed; the snapshot action snapshots it. */
export const VOLUME_ID: string = IDS.rootVolume;

/** A key prefix of a test's own, so tests share a Redis without meeting. */
export function uniquePrefix(): string {
  return `fbtest-${randomBytes(4).toString('hex')}`;
}

/** Everything a process of the durable engine needs, built as the composition root does. */
export interface TestStack {
  readonly redis: Redis;
  readonly accountRedis: Redis;
  readonly account: RedisSimulatedAccount;
  readonly audit: RedisAuditLog;
  readonly driver: BullmqDriver;
  close(): Promise<void>;
}

/** Options for {@link createTestStack}. */
export interface TestStackOptions {
  redisUrl: string;
  prefix: string;
  /** Runbook YAML texts. */
  runbooks: readonly string[];
  onCommitted?: BullmqDriverOptions['onCommitted'];
  role?: 'worker' | 'client';
}

/** Builds a driver, shared audit log and shared simulated account under `prefix`. */
export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
  const redis = createRedisConnection(options.redisUrl, { role: options.role ?? 'worker' });
  const accountRedis = redis.duplicate();
  const clock = createSystemClock();
  const { prefix } = options;
  const account = new RedisSimulatedAccount(createSampleSeed(), {
    clock,
    redis: accountRedis,
    key: `${prefix}:simulated-account`,
  });
  const aws = createAwsClients({ region: account.region, simulatedAccount: account });
  const audit = new RedisAuditLog({ redis, prefix, clock, simulated: true });
  const catalog = new RunbookCatalog(
    options.runbooks.map((text, i) => parseRunbook(`rb${i}.yaml`, text)),
  );
  const actions = new ActionRegistry([...coreActions, ...testActions]);
  const logger = process.env['FB_TEST_LOG']
    ? createLogger({ level: 'debug' })
    : createSilentLogger();
  const driver = await BullmqDriver.create({
    redis,
    prefix,
    catalog,
    actions,
    aws,
    audit,
    clock,
    logger,
    onCommitted: options.onCommitted,
  });
  return {
    redis,
    accountRedis,
    account,
    audit,
    driver,
    close: async () => {
      await driver.close();
      accountRedis.disconnect();
      redis.disconnect();
    },
  };
}

/** Deletes every key under `prefix` (tests clean up after themselves). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
