import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisSimulatedAccount } from '../../../src/aws/index.js';
import { createRedisConnection } from '../../../src/queue/index.js';
import { createSystemClock } from '../../../src/shared/index.js';
import { deletePrefix, uniquePrefix } from '../../queue/stack.js';
import { createFindingSeed, FINDING_IDS } from '../finding-seed.js';
import { createSampleSeed, IDS } from '../sample-seed.js';

const GD_IDS = { DetectorId: FINDING_IDS.detector, FindingIds: [FINDING_IDS.guardDutyFinding] };
const SH_IDENTIFIER = {
  Id: FINDING_IDS.securityHubFinding,
  ProductArn: FINDING_IDS.securityHubProduct,
};

describe('RedisSimulatedAccount with findings', () => {
  let prefix: string;
  const connections: ReturnType<typeof createRedisConnection>[] = [];

  /** One worker process's view of the shared account: its own connection, the same key. */
  function openAccount() {
    const redis = createRedisConnection(inject('redisUrl'));
    connections.push(redis);
    return new RedisSimulatedAccount(createFindingSeed(), {
      clock: createSystemClock(),
      redis,
      key: `${prefix}:simulated-account`,
    });
  }

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    const [first] = connections;
    if (first !== undefined) await deletePrefix(first, prefix);
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  it('shares an archived GuardDuty finding and a resolved Security Hub finding', async () => {
    const one = openAccount();
    const two = openAccount();

    await one.handle('guardduty', 'ArchiveFindings', GD_IDS);
    await one.handle('securityhub', 'BatchUpdateFindings', {
      FindingIdentifiers: [SH_IDENTIFIER],
      Workflow: { Status: 'RESOLVED' },
    });
    const guardDuty = (await two.handle('guardduty', 'GetFindings', GD_IDS)) as {
      Findings: { Service: { Archived: boolean } }[];
    };
    await two.refresh();

    expect(guardDuty.Findings[0]?.Service.Archived).toBe(true);
    expect(two.snapshot().findings).toEqual([
      expect.objectContaining({ source: 'guardduty', archived: true }),
      expect.objectContaining({ source: 'securityhub', workflowStatus: 'RESOLVED' }),
    ]);
  });
});

describe('RedisSimulatedAccount writes', () => {
  let prefix: string;
  const connections: ReturnType<typeof createRedisConnection>[] = [];

  function openAccount() {
    const redis = createRedisConnection(inject('redisUrl'));
    connections.push(redis);
    const key = `${prefix}:simulated-account`;
    const account = new RedisSimulatedAccount(createSampleSeed(), {
      clock: createSystemClock(),
      redis,
      key,
    });
    return { account, redis };
  }

  const snapshot = (account: RedisSimulatedAccount) =>
    account.handle('ec2', 'CreateSnapshot', { VolumeId: IDS.rootVolume });

  beforeEach(() => {
    prefix = uniquePrefix();
  });

  afterEach(async () => {
    const [first] = connections;
    if (first !== undefined) await deletePrefix(first, prefix);
    for (const redis of connections.splice(0)) redis.disconnect();
  });

  it('keeps every write of two processes writing at once', async () => {
    const one = openAccount();
    const two = openAccount();

    await Promise.all(
      Array.from({ length: 20 }, (_, i) => snapshot(i % 2 === 0 ? one.account : two.account)),
    );
    await one.account.refresh();

    expect(one.account.snapshot().snapshots).toHaveLength(20);
  });

  it('applies a write the client sent again after a dropped connection once', async () => {
    const { account, redis } = openAccount();
    await account.handle('ec2', 'DescribeVolumes', {});
    // ioredis sends commands again when a connection drops before their replies came back:
    // here the write's first reply is lost and the script runs a second time.
    const commands = redis as unknown as Record<string, (...args: unknown[]) => unknown>;
    const write = commands['firebreakWriteAccount'] as (...a: unknown[]) => Promise<unknown>;
    commands['firebreakWriteAccount'] = async (...args: unknown[]) => {
      await write.apply(redis, args);
      return write.apply(redis, args);
    };

    await snapshot(account);
    commands['firebreakWriteAccount'] = write;
    await account.refresh();

    expect(account.snapshot().snapshots).toHaveLength(1);
  });
});
