import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AwsCredentialIdentity, InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import {
  awsErrorCodeOf,
  getCurrentAwsCallRecorder,
  summarizeAwsParams,
} from './aws-call-recorder.js';
import type { AwsClients } from './clients.js';
import type { AwsServiceName } from './simulated/fault-injector.js';
import { SimulatedAccount } from './simulated/simulated-account.js';
import { SimulatedAwsError } from './simulated/simulated-aws-error.js';
import { toServiceException } from './to-service-exception.js';

/** Options for {@link createAwsClients}. */
export interface AwsClientsOptions {
  /** The AWS region every client talks to, e.g. `eu-west-1`. */
  region: string;
  /**
   * When given, every call is answered by this in-memory account and nothing reaches the
   * network; static fake credentials are used so that no credential provider runs.
   */
  simulatedAccount?: SimulatedAccount;
  /** Credentials for real accounts. Default: the SDK's default provider chain. */
  credentials?: AwsCredentialIdentity;
  /** Attempts per call, first included, for the SDK's retry strategy. Default 3 (the SDK's). */
  maxAttempts?: number;
}

/**
 * Credentials that simulated clients carry so that the SDK never looks for real ones. Not
 * frozen: the SDK marks the credentials object it is given with their source.
 */
export const SIMULATED_CREDENTIALS: Readonly<AwsCredentialIdentity> = {
  accessKeyId: 'AKIDSIMULATED',
  secretAccessKey: 'simulated',
};

const RECORDER_MIDDLEWARE_NAME = 'firebreakAwsCallRecorder';
const SIMULATED_MIDDLEWARE_NAME = 'firebreakSimulatedAccount';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one stack type for five clients
type AnyMiddlewareStack = MiddlewareStack<any, any>;

function operationOf(context: { commandName?: string }): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

function addRecorder(stack: AnyMiddlewareStack, service: AwsServiceName, simulated: boolean): void {
  stack.add(
    (next, context) => async (args) => {
      const recorder = getCurrentAwsCallRecorder();
      const operation = operationOf(context);
      try {
        const result = await next(args);
        recorder?.({ service, operation, params: summarizeAwsParams(args.input), simulated });
        return result;
      } catch (error) {
        const errorCode = awsErrorCodeOf(error);
        recorder?.({
          service,
          operation,
          params: summarizeAwsParams(args.input),
          simulated,
          errorCode,
        });
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: RECORDER_MIDDLEWARE_NAME, override: true },
  );
}

function addSimulatedAccount(
  stack: AnyMiddlewareStack,
  service: AwsServiceName,
  account: SimulatedAccount,
): void {
  // Answers without calling `next`: no serialisation, signing or network happens.
  const answer: InitializeMiddleware<object, object> = (_next, context) => async (args) => {
    const operation = operationOf(context);
    const requestId = account.nextRequestId();
    try {
      const output = await account.handle(service, operation, args.input);
      const $metadata = { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 };
      return { output: { ...output, $metadata }, response: {} };
    } catch (error) {
      if (error instanceof SimulatedAwsError) throw toServiceException(service, error, requestId);
      throw error;
    }
  };
  stack.addRelativeTo(answer, {
    relation: 'after',
    toMiddleware: RECORDER_MIDDLEWARE_NAME,
    name: SIMULATED_MIDDLEWARE_NAME,
    override: true,
  });
}

/** Fails every request that would leave the process, in case a simulated call ever got past. */
const NO_NETWORK_HANDLER = {
  metadata: { handlerProtocol: 'none' },
  handle: () => Promise.reject(new Error('simulated AWS clients never send requests')),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
  destroy: () => undefined,
};

/**
 * Creates the AWS clients of one run: lazily, once per service, each recording its calls to the
 * recorder of the current async scope ({@link withAwsCallRecorder}) and, with
 * `simulatedAccount`, answered by it without any network.
 */
export function createAwsClients(options: AwsClientsOptions): AwsClients {
  const account = options.simulatedAccount;
  const simulated = account !== undefined;
  const config = {
    region: options.region,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(simulated
      ? { credentials: { ...SIMULATED_CREDENTIALS }, requestHandler: NO_NETWORK_HANDLER }
      : options.credentials === undefined
        ? {}
        : { credentials: options.credentials }),
  };
  const cache = new Map<AwsServiceName, unknown>();

  function lazy<T extends { middlewareStack: AnyMiddlewareStack }>(
    service: AwsServiceName,
    create: () => T,
  ): T {
    const cached = cache.get(service);
    if (cached !== undefined) return cached as T;
    const client = create();
    addRecorder(client.middlewareStack, service, simulated);
    if (account !== undefined) addSimulatedAccount(client.middlewareStack, service, account);
    cache.set(service, client);
    return client;
  }

  return {
    simulated,
    region: options.region,
    ec2: () => lazy('ec2', () => new EC2Client(config)),
    sns: () => lazy('sns', () => new SNSClient(config)),
    iam: () => lazy('iam', () => new IAMClient(config)),
    cloudWatch: () => lazy('cloudwatch', () => new CloudWatchClient(config)),
    autoScaling: () => lazy('autoscaling', () => new AutoScalingClient(config)),
  };
}
