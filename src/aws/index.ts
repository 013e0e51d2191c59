export { createAwsClients, resolveRoleArn, SIMULATED_CREDENTIALS } from './client-factory.js';
export type {
  AssumeRoleOptions,
  AwsClientsOptions,
  SimulatedRetryOptions,
} from './client-factory.js';
export {
  createAssumeRoleCredentials,
  toAssumeRoleInput,
  SESSION_TAG_REQUESTER,
  SESSION_TAG_RUN_ID,
  SESSION_TAG_STEP_ID,
} from './assume-role-credentials.js';
export type { AssumeRoleCredentialsOptions } from './assume-role-credentials.js';
export { computeBackoffMs, sleepMs } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { recordAwsCalls, summarizeAwsParams, awsErrorCodeOf } from './aws-call-recorder.js';
export type { AwsClients, AwsClientScope, AwsCallRecord, AwsCallRecorder } from './clients.js';
export { SimulatedAccountSeedError, SimulatedOperationUnsupportedError } from './errors.js';
export {
  RedisSimulatedAccount,
  SimulatedAccount,
  SimulatedAwsError,
  securityHubProductArnSchema,
  simulatedAccountSeedSchema,
} from './simulated/index.js';
export type {
  AwsFault,
  AwsServiceName,
  FaultOptions,
  RedisSimulatedAccountOptions,
  ResolvedSimulatedAccountSeed,
  SimulatedAccountOptions,
  SimulatedAccountSavedState,
  SimulatedAccountSeed,
  SimulatedAccountState,
  SimulatedFinding,
  SimulatedGuardDutyFinding,
  SimulatedInstance,
  SimulatedInstanceStateName,
  SimulatedNetworkInterface,
  SimulatedPublishedMessage,
  SimulatedRule,
  SimulatedRuleSeed,
  SimulatedSecurityGroup,
  SimulatedSecurityHubFinding,
  SimulatedSnapshot,
  SimulatedSubnet,
  SimulatedTags,
  SimulatedTopic,
  SimulatedVolume,
  SimulatedVpc,
} from './simulated/index.js';
