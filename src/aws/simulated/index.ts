export { SimulatedAccount } from './simulated-account.js';
export type { SimulatedAccountOptions, SimulatedAccountSavedState } from './simulated-account.js';
export { RedisSimulatedAccount } from './redis-simulated-account.js';
export type { RedisSimulatedAccountOptions } from './redis-simulated-account.js';
export { securityHubProductArnSchema, simulatedAccountSeedSchema } from './seed-schema.js';
export type {
  SimulatedAccountSeed,
  ResolvedSimulatedAccountSeed,
  SimulatedRuleSeed,
} from './seed-schema.js';
export { SimulatedAwsError } from './simulated-aws-error.js';
export type { AwsFault } from './simulated-aws-error.js';
export type { AwsServiceName, FaultOptions } from './fault-injector.js';
export type {
  SimulatedAccountState,
  SimulatedFinding,
  SimulatedGuardDutyFinding,
  SimulatedInstance,
  SimulatedInstanceStateName,
  SimulatedNetworkInterface,
  SimulatedPublishedMessage,
  SimulatedRule,
  SimulatedSecurityGroup,
  SimulatedSecurityHubFinding,
  SimulatedSnapshot,
  SimulatedSubnet,
  SimulatedTags,
  SimulatedTopic,
  SimulatedVolume,
  SimulatedVpc,
} from './simulated-account-state.js';
