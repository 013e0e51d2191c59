import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ec2Sdk, guardDutySdk, securityHubSdk } from './lazy-sdk.js';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import type { STSClient } from '@aws-sdk/client-sts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  InitializeMiddleware,
  MiddlewareStack,
} from '@smithy/types';
import { createAssumeRoleCredentials, createStsClient } from './assume-role-credentials.js';
import { computeBackoffMs, sleepMs } from './backoff.js';
import type { AwsClientScope, AwsClients } from './clients.js';
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
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, first included, for the SDK's retry strategy. Default 3 (the SDK's). */
  maxAttempts?: number;
  /** Roles to assume per runbook or per account (cross-account response). Default none. */
  assumeRole?: AssumeRoleOptions;
  /**
   * Retries of throttled and server-fault calls answered by the simulated account, which
   * answers before the SDK's own retry step; real clients use the SDK's retry strategy.
   */
  simulatedRetry?: SimulatedRetryOptions;
}

/** Which role a run step's calls assume. The most specific match wins: runbook, account, default. */
export interface AssumeRoleOptions {
  /** Role ARN by runbook name. */
  byRunbook?: Readonly<Record<string, string>>;
  /** Role ARN by 12-digit account id (the run's `accountId` input). */
  byAccount?: Readonly<Record<string, string>>;
  /** Role ARN for every run not matched above. */
  defaultRoleArn?: string;
  /** `sts:ExternalId` the roles' trust policies ask for. */
  externalId?: string;
  /** Session length in seconds; default 900. */
  durationSeconds?: number;
  /** Creates the STS client; default one in the scope's region with `credentials`. */
  createStsClient?: (region: string) => STSClient;
}

/** Retries of simulated calls; see {@link AwsClientsOptions.simulatedRetry}. */
export interface SimulatedRetryOptions {
  /** Attempts per call, first included. Default 5. */
  maxAttempts?: number;
  /** Backoff cap before the first retry, in ms. Default 20. */
  baseDelayMs?: number;
  /** Longest backoff, in ms. Default 1000. */
  maxDelayMs?: number;
  /** Waits between attempts; default wall-clock sleep. Tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; default Math.random. */
  random?: () => number;
}

/** AWS error codes of throttled calls, across the services firebreak uses. */
const THROTTLING_CODES = new Set([
  'Throttling',
  'RequestLimitExceeded',
  'Throttled',
  'TooManyRequestsException',
]);

function isRetryableSimulated(error: SimulatedAwsError): boolean {
  return THROTTLING_CODES.has(error.awsCode) || error.fault === 'server';
}

/** The role a scope's calls assume, if any. */
export function resolveRoleArn(
  options: AssumeRoleOptions | undefined,
  scope: AwsClientScope,
): string | undefined {
  if (options === undefined) return undefined;
  const byAccount =
    scope.accountId === undefined ? undefined : options.byAccount?.[scope.accountId];
  return options.byRunbook?.[scope.runbookId] ?? byAccount ?? options.defaultRoleArn;
}

/**
 * Credentials that simulated clients carry so that the SDK never looks for real ones. Not
 * frozen: the SDK marks the credentials object it is given with their source.
 */
export const SIMULATED_CREDENTIALS: Readonly<AwsCredentialIdentity> = {
  accessKeyId: 'AKIDSIMULATED',
  secretAccessKey: 'simulated',
};

const SIMULATED_MIDDLEWARE_NAME = 'firebreakSimulatedAccount';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one stack type for every client
type AnyMiddlewareStack = MiddlewareStack<any, any>;

function operationOf(context: { commandName?: string }): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

function addSimulatedAccount(
  stack: AnyMiddlewareStack,
  service: AwsServiceName,
  account: SimulatedAccount,
  retry: SimulatedRetryOptions,
): void {
  const maxAttempts = retry.maxAttempts ?? 5;
  const backoff = {
    baseDelayMs: retry.baseDelayMs ?? 20,
    maxDelayMs: retry.maxDelayMs ?? 1000,
    random: retry.random,
  };
  const sleep = retry.sleep ?? sleepMs;
  // Answers without calling `next`: no serialisation, signing or network happens.
  const answer: InitializeMiddleware<object, object> = (_next, context) => async (args) => {
    const operation = operationOf(context);
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      const requestId = account.nextRequestId();
      try {
        const output = await account.handle(service, operation, args.input);
        const $metadata = { httpStatusCode: 200, requestId, attempts: attempt, totalRetryDelay };
        return { output: { ...output, $metadata }, response: {} };
      } catch (error) {
        if (!(error instanceof SimulatedAwsError)) throw error;
        // The SDK's retry step sits after this middleware, so retry here as the SDK would.
        if (attempt >= maxAttempts || !isRetryableSimulated(error)) {
          throw toServiceException(service, error, requestId);
        }
        const delayMs = computeBackoffMs(attempt, backoff);
        totalRetryDelay += delayMs;
        await sleep(delayMs);
      }
    }
  };
  stack.add(answer, {
    step: 'initialize',
    priority: 'high',
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
 * Creates the AWS clients of one run: lazily, once per service and, with `simulatedAccount`,
 * answered by it without any network. {@link recordAwsCalls} makes them report their calls.
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
    if (account !== undefined) {
      addSimulatedAccount(client.middlewareStack, service, account, options.simulatedRetry ?? {});
    }
    cache.set(service, client);
    return client;
  }

  const scoped = new Map<string, AwsClients>();
  const self: AwsClients = {
    simulated,
    region: options.region,
    ec2: () => lazy('ec2', () => new ec2Sdk.EC2Client(config)),
    sns: () => lazy('sns', () => new SNSClient(config)),
    iam: () => lazy('iam', () => new IAMClient(config)),
    cloudWatch: () => lazy('cloudwatch', () => new CloudWatchClient(config)),
    autoScaling: () => lazy('autoscaling', () => new AutoScalingClient(config)),
    guardDuty: () => lazy('guardduty', () => new guardDutySdk.GuardDutyClient(config)),
    securityHub: () => lazy('securityhub', () => new securityHubSdk.SecurityHubClient(config)),
    forScope(scope) {
      const region = scope.region ?? options.region;
      // The simulated account is one account in one region: a role or region changes nothing.
      const roleArn = simulated ? undefined : resolveRoleArn(options.assumeRole, scope);
      if (region === options.region && roleArn === undefined) return self;
      const key =
        roleArn === undefined ? region : `${region}|${roleArn}|${scope.runId}|${scope.stepId}`;
      const found = scoped.get(key);
      if (found !== undefined) return found;
      const clients = createAwsClients({
        ...options,
        region,
        assumeRole: undefined,
        ...(roleArn === undefined
          ? {}
          : { credentials: assumedRole(options, roleArn, scope, region) }),
      });
      scoped.set(key, clients);
      return clients;
    },
  };
  return self;
}

function assumedRole(
  options: AwsClientsOptions,
  roleArn: string,
  scope: AwsClientScope,
  region: string,
) {
  const assume = options.assumeRole ?? {};
  const sts = assume.createStsClient?.(region) ?? createStsClient(region, options.credentials);
  return createAssumeRoleCredentials({
    roleArn,
    scope,
    sts,
    externalId: assume.externalId,
    durationSeconds: assume.durationSeconds,
  });
}
