export { createAwsClients, SIMULATED_CREDENTIALS } from './client-factory.js';
export type { AwsClientsOptions } from './client-factory.js';
export { withAwsCallRecorder, summarizeAwsParams, awsErrorCodeOf } from './aws-call-recorder.js';
export type { AwsClients, AwsCallRecord, AwsCallRecorder } from './clients.js';
export { SimulatedAccountSeedError, SimulatedOperationUnsupportedError } from './errors.js';
export {
  RedisSimulatedAccount,
  SimulatedAccount,
  SimulatedAwsError,
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
  SimulatedInstance,
  SimulatedInstanceStateName,
  SimulatedNetworkInterface,
  SimulatedPublishedMessage,
  SimulatedRule,
  SimulatedRuleSeed,
  SimulatedSecurityGroup,
  SimulatedSnapshot,
  SimulatedSubnet,
  SimulatedTags,
  SimulatedTopic,
  SimulatedVolume,
  SimulatedVpc,
} from './simulated/index.js';
