import {
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createAwsClients, SimulatedAccount } from '../../../src/aws/index.js';
import { createSampleSeed, IDS } from '../sample-seed.js';

/** Clients that make one attempt per call, so every injected fault reaches the caller. */
function createClients() {
  const account = new SimulatedAccount(createSampleSeed());
  const simulatedRetry = { maxAttempts: 1 };
  return {
    account,
    ec2: createAwsClients({ region: 'us-east-1', simulatedAccount: account, simulatedRetry }).ec2(),
  };
}

const describeOne = new DescribeInstancesCommand({ InstanceIds: [IDS.instance] });

describe('SimulatedAccount.injectFault', () => {
  it('throttles a call the given number of times with the service code', async () => {
    const { account, ec2 } = createClients();
    account.injectFault({ operation: 'ec2:DescribeInstances', error: 'Throttling', times: 1 });

    const first = await ec2.send(describeOne).catch((e: unknown) => e);
    const second = await ec2.send(describeOne);

    expect(first).toBeInstanceOf(EC2ServiceException);
    expect(first).toMatchObject({ name: 'RequestLimitExceeded', message: 'Rate exceeded' });
    expect(second.Reservations).toHaveLength(1);
  });

  it('denies access with a message that names the missing IAM action', async () => {
    const { account, ec2 } = createClients();
    account.injectFault({ operation: 'DescribeInstances', error: 'AccessDenied' });

    const error = await ec2.send(describeOne).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403 },
    });
    expect((error as Error).message).toContain(
      'is not authorized to perform: ec2:DescribeInstances',
    );
  });

  it('fails about the given share of calls, the same way on every replay', async () => {
    const outcomes = async () => {
      const { account, ec2 } = createClients();
      account.injectFault({ operation: '*', error: 'Throttling', probability: 0.3 });
      const results = [];
      for (let i = 0; i < 100; i++)
        results.push(
          await ec2.send(describeOne).then(
            () => 'ok',
            () => 'throttled',
          ),
        );
      return results;
    };

    const first = await outcomes();
    const throttled = first.filter((r) => r === 'throttled').length;

    expect(throttled).toBeGreaterThan(15);
    expect(throttled).toBeLessThan(45);
    expect(await outcomes()).toEqual(first);
  });

  describe('with the default retries of simulated clients', () => {
    it('retries throttled calls with backoff, as the SDK does for real clients', async () => {
      const account = new SimulatedAccount(createSampleSeed());
      const delays: number[] = [];
      const sleep = async (ms: number) => {
        delays.push(ms);
      };
      const simulatedRetry = { sleep, random: () => 0.5 };
      const aws = createAwsClients({
        region: 'us-east-1',
        simulatedAccount: account,
        simulatedRetry,
      });
      account.injectFault({ operation: 'ec2:DescribeInstances', error: 'Throttling', times: 3 });

      const result = await aws.ec2().send(describeOne);

      expect(result.$metadata).toMatchObject({ attempts: 4, totalRetryDelay: 70 });
      expect(delays).toEqual([10, 20, 40]);
    });

    it('gives up after five attempts and does not retry a denial', async () => {
      const account = new SimulatedAccount(createSampleSeed());
      const simulatedRetry = { sleep: async () => undefined };
      const aws = createAwsClients({
        region: 'us-east-1',
        simulatedAccount: account,
        simulatedRetry,
      });
      account.injectFault({ operation: 'ec2:DescribeInstances', error: 'Throttling', times: 5 });
      account.injectFault({ operation: 'ec2:DescribeVolumes', error: 'AccessDenied', times: 1 });

      const throttled = await aws
        .ec2()
        .send(describeOne)
        .catch((e: unknown) => e);
      const denied = await aws
        .ec2()
        .send(new DescribeVolumesCommand({}))
        .catch((e: unknown) => e);

      expect(throttled).toMatchObject({ name: 'RequestLimitExceeded' });
      expect(denied).toMatchObject({ name: 'UnauthorizedOperation' });
      expect((await aws.ec2().send(new DescribeVolumesCommand({}))).Volumes).toBeDefined();
    });
  });
});
