import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ActionContext, ActionDefinition } from '../../../src/actions/types.js';
import {
  createAwsClients,
  type AwsClients,
  type SimulatedAccount,
} from '../../../src/aws/index.js';
import { VirtualClock, createSilentLogger } from '../../../src/shared/index.js';
import { TEST_CREDENTIALS } from '../../aws/sample-seed.js';

/** 2025-03-01T12:00:00Z, the time every test action runs at unless told otherwise. */
export const TEST_START_MS = Date.parse('2025-03-01T12:00:00.000Z');

/** Options for {@link createTestActionContext}. */
export interface TestActionContextOptions {
  aws?: AwsClients;
  runId?: string;
  stepId?: string;
  attempt?: number;
  clock?: VirtualClock;
}

/** A request handler that fails every request, so that an unmocked call can never leave. */
const OFFLINE_HANDLER = {
  metadata: { handlerProtocol: 'none' },
  handle: () => Promise.reject(new Error('test clients are offline: mock this command')),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
  destroy: () => undefined,
};

/**
 * Real SDK clients for aws-sdk-client-mock tests: fake credentials, fixed region, one attempt,
 * and a request handler that refuses to send. Mock them per instance: `mockClient(aws.ec2())`.
 */
export function createMockedAwsClients(): AwsClients {
  const config = {
    region: 'us-east-1',
    credentials: { ...TEST_CREDENTIALS },
    maxAttempts: 1,
    requestHandler: OFFLINE_HANDLER,
  };
  const ec2 = new EC2Client(config);
  const sns = new SNSClient(config);
  const iam = new IAMClient(config);
  const cloudWatch = new CloudWatchClient(config);
  const autoScaling = new AutoScalingClient(config);
  const guardDuty = new GuardDutyClient(config);
  const securityHub = new SecurityHubClient(config);
  return {
    simulated: false,
    region: 'us-east-1',
    ec2: () => ec2,
    sns: () => sns,
    iam: () => iam,
    cloudWatch: () => cloudWatch,
    autoScaling: () => autoScaling,
    guardDuty: () => guardDuty,
    securityHub: () => securityHub,
  };
}

/** Clients answered by `account`. */
export function createSimulatedAwsClients(account: SimulatedAccount): AwsClients {
  return createAwsClients({ region: 'us-east-1', simulatedAccount: account });
}

/** An action context with a virtual clock, a silent logger and no-op notes. */
export function createTestActionContext(options: TestActionContextOptions = {}): ActionContext {
  const runId = options.runId ?? 'run-0123456789ab';
  const stepId = options.stepId ?? 'isolate';
  return {
    runId,
    runbookId: 'ec2-compromised-instance',
    stepId,
    attempt: options.attempt ?? 1,
    clock: options.clock ?? new VirtualClock(TEST_START_MS),
    logger: createSilentLogger(),
    aws: options.aws ?? createMockedAwsClients(),
    note: () => undefined,
    idempotencyToken: `${runId}:${stepId}`,
  };
}

/** Parses `input` with the action's schema, as the engine does, then runs the action. */
export function runAction<TInput, TOutput>(
  action: ActionDefinition<TInput, TOutput>,
  input: unknown,
  context: ActionContext,
): Promise<TOutput> {
  return action.run(action.input.parse(input), context);
}
