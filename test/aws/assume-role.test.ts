import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, SimulatedAccount } from '../../src/aws/index.js';
import { createSampleSeed, TEST_CREDENTIALS } from './sample-seed.js';

const ROLE = 'arn:aws:iam::111122223333:role/firebreak-responder';
const SCOPE = {
  runId: 'run-0123456789ab',
  stepId: 'isolate',
  runbookId: 'ec2-compromised-instance',
  requester: 'U024BE7LH (alice)',
};

const sts = mockClient(STSClient);

afterEach(() => {
  sts.reset();
});

function credentialsOf(client: EC2Client) {
  return client.config.credentials();
}

describe('AwsClients.forScope', () => {
  it('assumes the account role with the run, step and requester as session tags', async () => {
    const expiration = new Date(Date.now() + 3_600_000);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIATEST',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: expiration,
      },
    });
    const aws = createAwsClients({
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      assumeRole: { byAccount: { '111122223333': ROLE }, externalId: 'fb-ext' },
    });

    const scoped = aws.forScope?.({ ...SCOPE, accountId: '111122223333', region: 'eu-west-1' });
    const credentials = await credentialsOf(scoped!.ec2());
    await credentialsOf(scoped!.ec2());

    expect(scoped?.region).toBe('eu-west-1');
    expect(credentials).toMatchObject({ accessKeyId: 'ASIATEST', sessionToken: 'token' });
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE,
        RoleSessionName: 'firebreak-run-0123456789ab-isolate',
        SourceIdentity: 'U024BE7LH--alice-',
        Tags: [
          { Key: 'firebreak:run-id', Value: 'run-0123456789ab' },
          { Key: 'firebreak:step-id', Value: 'isolate' },
          { Key: 'firebreak:requester', Value: 'U024BE7LH -alice-' },
        ],
        DurationSeconds: 900,
        ExternalId: 'fb-ext',
      },
    ]);
  });

  it('prefers the runbook role over the account role', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S' } as never });
    const runbookRole = 'arn:aws:iam::444455556666:role/ec2-containment';
    const aws = createAwsClients({
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      assumeRole: {
        byRunbook: { [SCOPE.runbookId]: runbookRole },
        byAccount: { '111122223333': ROLE },
      },
    });

    await credentialsOf(aws.forScope!({ ...SCOPE, accountId: '111122223333' }).ec2());

    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleArn).toBe(runbookRole);
  });

  it('keeps the same clients when neither region nor role changes', () => {
    const aws = createAwsClients({ region: 'us-east-1', credentials: TEST_CREDENTIALS });

    expect(aws.forScope?.({ ...SCOPE, region: 'us-east-1' })).toBe(aws);
    expect(aws.forScope?.({ ...SCOPE, region: 'eu-west-1' })?.region).toBe('eu-west-1');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('never assumes a role for the simulated account', () => {
    const account = new SimulatedAccount(createSampleSeed());
    const aws = createAwsClients({
      region: 'us-east-1',
      simulatedAccount: account,
      assumeRole: { defaultRoleArn: ROLE },
    });

    expect(aws.forScope?.(SCOPE)).toBe(aws);
  });
});
