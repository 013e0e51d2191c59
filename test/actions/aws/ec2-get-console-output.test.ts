import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ec2GetConsoleOutput, MAX_CONSOLE_OUTPUT_CHARS } from '../../../src/actions/aws/index.js';
import { IDS } from '../../aws/sample-seed.js';
import { createMockedAwsClients, createTestActionContext, runAction } from './action-context.js';
import { createResponseSimulation } from './undo-harness.js';

describe('aws.ec2.getConsoleOutput', () => {
  it('asks for the latest output and decodes it, cutting what is too long', async () => {
    const aws = createMockedAwsClients();
    const ec2 = mockClient(aws.ec2());
    const text = 'x'.repeat(MAX_CONSOLE_OUTPUT_CHARS + 5);
    ec2.on(GetConsoleOutputCommand).resolves({
      InstanceId: IDS.instance,
      Output: Buffer.from(text).toString('base64'),
      Timestamp: new Date('2025-03-01T11:59:00.000Z'),
    });

    const output = await runAction(
      ec2GetConsoleOutput,
      { instanceId: IDS.instance, latest: true },
      createTestActionContext({ aws }),
    );

    expect(ec2.commandCalls(GetConsoleOutputCommand)[0]?.args[0].input).toEqual({
      InstanceId: IDS.instance,
      Latest: true,
    });
    expect(output.output).toHaveLength(MAX_CONSOLE_OUTPUT_CHARS);
    expect(output).toMatchObject({ truncatedChars: 5, capturedAt: '2025-03-01T11:59:00.000Z' });
  });

  it('reads the console of a simulated instance and changes nothing', async () => {
    const { account, context } = createResponseSimulation();
    const before = account.snapshot();

    const output = await runAction(ec2GetConsoleOutput, { instanceId: IDS.instance }, context);

    expect(output.output).toContain('xmrig: mining started');
    expect(account.snapshot()).toEqual(before);
    expect(ec2GetConsoleOutput.mutating).toBe(false);
  });
});
