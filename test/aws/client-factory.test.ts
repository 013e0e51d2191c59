import {
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { GetFindingsCommand as GetGuardDutyFindings } from '@aws-sdk/client-guardduty';
import {
  BatchUpdateFindingsCommand,
  InvalidInputException,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import {
  createAwsClients,
  SimulatedAccount,
  summarizeAwsParams,
  recordAwsCalls,
  type AwsCallRecord,
} from '../../src/aws/index.js';
import { createFindingSeed, FINDING_IDS } from './finding-seed.js';
import { createSampleSeed, IDS, TEST_CREDENTIALS } from './sample-seed.js';

function simulatedClients() {
  const account = new SimulatedAccount(createSampleSeed());
  return { account, aws: createAwsClients({ region: 'us-east-1', simulatedAccount: account }) };
}

describe('createAwsClients', () => {
  it('creates each client once, lazily', () => {
    const aws = createAwsClients({ region: 'eu-west-1', credentials: TEST_CREDENTIALS });

    expect(aws.ec2()).toBeInstanceOf(EC2Client);
    expect(aws.ec2()).toBe(aws.ec2());
    expect(aws.sns()).toBeInstanceOf(SNSClient);
    expect(aws.simulated).toBe(false);
    expect(aws.region).toBe('eu-west-1');
  });

  describe('when given a simulated account', () => {
    it('answers from the account with SDK-shaped output and metadata', async () => {
      const { aws } = simulatedClients();

      const result = await aws
        .ec2()
        .send(new DescribeInstancesCommand({ InstanceIds: [IDS.instance] }));

      expect(aws.simulated).toBe(true);
      expect(result.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(IDS.instance);
      expect(result.$metadata.httpStatusCode).toBe(200);
      expect(result.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('throws EC2ServiceException named after the AWS error code', async () => {
      const { aws } = simulatedClients();

      const error = await aws
        .ec2()
        .send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(EC2ServiceException);
      expect(error).toMatchObject({
        name: 'InvalidInstanceID.NotFound',
        message: "The instance ID 'i-0123456789abcdef0' does not exist",
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('throws the modeled exception class where the SDK has one', async () => {
      const { aws } = simulatedClients();
      const TopicArn = 'arn:aws:sns:us-east-1:123456789012:nowhere';

      const error = await aws
        .sns()
        .send(new PublishCommand({ TopicArn, Message: 'hi' }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(NotFoundException);
      expect(error).toMatchObject({
        Code: 'NotFound',
        message: 'Topic does not exist',
        $fault: 'client',
      });
    });

    it('refuses to send anything over the network even without the simulation middleware', async () => {
      const { aws } = simulatedClients();
      const client = aws.ec2();
      client.middlewareStack.remove('firebreakSimulatedAccount');

      const error = await client.send(new DescribeVolumesCommand({})).catch((e: unknown) => e);

      expect(String(error)).toContain('simulated AWS clients never send requests');
    });
  });
});

describe('recordAwsCalls', () => {
  it('records every call with service, operation, key parameters and error code', async () => {
    const { aws } = simulatedClients();
    const records: AwsCallRecord[] = [];
    const recording = recordAwsCalls(aws, (record) => records.push(record));

    await recording.ec2().send(new DescribeInstancesCommand({ InstanceIds: [IDS.instance] }));
    await recording
      .ec2()
      .send(new DescribeInstancesCommand({ InstanceIds: ['i-00000000'] }))
      .catch(() => undefined);

    expect(records).toEqual([
      {
        service: 'ec2',
        operation: 'DescribeInstances',
        params: { InstanceIds: [IDS.instance] },
        simulated: true,
      },
      {
        service: 'ec2',
        operation: 'DescribeInstances',
        params: { InstanceIds: ['i-00000000'] },
        simulated: true,
        errorCode: 'InvalidInstanceID.NotFound',
      },
    ]);
  });

  it('records GuardDuty and Security Hub calls under their IAM prefixes', async () => {
    const account = new SimulatedAccount(createFindingSeed());
    const aws = createAwsClients({ region: 'us-east-1', simulatedAccount: account });
    const records: AwsCallRecord[] = [];
    const recording = recordAwsCalls(aws, (record) => records.push(record));
    const FindingIds = [FINDING_IDS.guardDutyFinding];
    const badStatus = { Status: 'CLOSED' } as never;
    const FindingIdentifiers = [
      { Id: FINDING_IDS.securityHubFinding, ProductArn: FINDING_IDS.securityHubProduct },
    ];

    await recording
      .guardDuty()
      .send(new GetGuardDutyFindings({ DetectorId: FINDING_IDS.detector, FindingIds }));
    const error = await recording
      .securityHub()
      .send(new BatchUpdateFindingsCommand({ FindingIdentifiers, Workflow: badStatus }))
      .catch((e: unknown) => e);

    expect(recording.securityHub()).toBeInstanceOf(SecurityHubClient);
    expect(error).toBeInstanceOf(InvalidInputException);
    expect(
      records.map(({ service, operation, errorCode }) => ({ service, operation, errorCode })),
    ).toEqual([
      { service: 'guardduty', operation: 'GetFindings', errorCode: undefined },
      {
        service: 'securityhub',
        operation: 'BatchUpdateFindings',
        errorCode: 'InvalidInputException',
      },
    ]);
  });

  it('keeps two recorders apart and records nothing sent through the plain clients', async () => {
    const { aws } = simulatedClients();
    const first: AwsCallRecord[] = [];
    const second: AwsCallRecord[] = [];
    const command = () => new DescribeInstancesCommand({ InstanceIds: [IDS.lonely] });
    const one = recordAwsCalls(aws, (r) => first.push(r));
    const two = recordAwsCalls(aws, (r) => second.push(r));

    await Promise.all([one.ec2().send(command()), two.ec2().send(command())]);
    await two.ec2().send(command());
    await aws.ec2().send(command());

    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
  });

  it('hands out the SDK client itself apart from send: same instance, same config', async () => {
    const { aws } = simulatedClients();
    const recording = recordAwsCalls(aws, () => undefined);

    expect(recording.ec2()).toBeInstanceOf(EC2Client);
    expect(recording.ec2()).toBe(recording.ec2());
    expect(await recording.ec2().config.region()).toBe('us-east-1');
    expect(recording.autoScaling().middlewareStack).toBe(aws.autoScaling().middlewareStack);
  });
});

describe('summarizeAwsParams', () => {
  it('cuts long strings to 200 characters, long arrays to 10 items and redacts secrets', () => {
    const params = summarizeAwsParams({
      Message: 'x'.repeat(1000),
      InstanceIds: Array.from({ length: 12 }, (_, i) => `i-0000000${i}`),
      Password: 'hunter2',
      Nested: { a: { b: { c: { d: { e: 1 } } } } },
      Missing: undefined,
    });

    expect((params['Message'] as string).length).toBe(200);
    expect(params['InstanceIds']).toHaveLength(11);
    expect((params['InstanceIds'] as string[])[10]).toBe('…(+2 more)');
    expect(params['Password']).toBe('[redacted]');
    expect(params['Nested']).toEqual({ a: { b: { c: { d: '[object]' } } } });
    expect(params).not.toHaveProperty('Missing');
  });
});
