import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisSimulatedAccount } from '../../../src/aws/index.js';
import type { SimulatedAccountSeed } from '../../../src/aws/index.js';
import { createRedisConnection } from '../../../src/queue/index.js';
import { createSystemClock } from '../../../src/shared/index.js';
import { sendEachTwice } from '../../queue/send-again.js';
import { deletePrefix, uniquePrefix } from '../../queue/stack.js';
import { createFindingSeed, FINDING_IDS } from '../finding-seed.js';
import { createSampleSeed, IDS } from '../sample-seed.js';

const GD_IDS = { DetectorId: FINDING_IDS.detector, FindingIds: [FINDING_IDS.guardDutyFinding] };
const SH_IDENTIFIER = {
  Id: FINDING_IDS.securityHubFinding,
  ProductArn: FINDING_IDS.securityHubProduct,
};

let prefix: string;
const connections: ReturnType<typeof createRedisConnection>[] = [];

/** One worker process's view of the shared account: its own connection, the same key. */
function openAccount(seed: SimulatedAccountSeed) {
  const redis = createRedisConnection(inject('redisUrl'));
  connections.push(redis);
  const key = `${prefix}:simulated-account`;
  const account = new RedisSimulatedAccount(seed, { clock: createSystemClock(), redis, key });
  return { account, redis };
}

beforeEach(() => {
  prefix = uniquePrefix();
});

afterEach(async () => {
  const [first] = connections;
  if (first !== undefined) await deletePrefix(first, prefix);
  for (const redis of connections.splice(0)) redis.disconnect();
});

describe('RedisSimulatedAccount with findings', () => {
  it('shares an archived GuardDuty finding and a resolved Security Hub finding', async () => {
    const one = openAccount(createFindingSeed()).account;
    const two = openAccount(createFindingSeed()).account;

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
  const snapshot = (account: RedisSimulatedAccount) =>
    account.handle('ec2', 'CreateSnapshot', { VolumeId: IDS.rootVolume });

  it('keeps every write of two processes writing at once', async () => {
    const one = openAccount(createSampleSeed());
    const two = openAccount(createSampleSeed());

    await Promise.all(
      Array.from({ length: 20 }, (_, i) => snapshot(i % 2 === 0 ? one.account : two.account)),
    );
    await one.account.refresh();

    expect(one.account.snapshot().snapshots).toHaveLength(20);
  });

  it('applies a write the client sent again after a dropped connection once', async () => {
    const { account, redis } = openAccount(createSampleSeed());
    await account.handle('ec2', 'DescribeVolumes', {});
    // The write's first reply is lost and the script runs a second time.
    const undo = sendEachTwice(redis, 'firebreakWriteAccount');

    await snapshot(account);
    undo();
    await account.refresh();

    expect(account.snapshot().snapshots).toHaveLength(1);
  });

  it('applies it once when another process wrote before it came again', async () => {
    const { account, redis } = openAccount(createSampleSeed());
    const other = openAccount(createSampleSeed()).account;
    await account.handle('ec2', 'DescribeVolumes', {});
    const undo = sendEachTwice(redis, 'firebreakWriteAccount', () => snapshot(other));

    await snapshot(account);
    undo();
    await account.refresh();

    expect(account.snapshot().snapshots).toHaveLength(2);
  });
});
