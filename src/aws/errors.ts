import { FirebreakError } from '../shared/index.js';

/**
 * A simulated account seed that does not validate: a field with a bad value, or a reference to a
 * VPC, subnet or group the seed does not hold. Code `SIMULATED_ACCOUNT_SEED_INVALID`; the message
 * names the field path.
 */
export class SimulatedAccountSeedError extends FirebreakError {
  /** Each problem as `path: message`. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    const list = issues.map((issue) => `  - ${issue}`).join('\n');
    super('SIMULATED_ACCOUNT_SEED_INVALID', `the simulated account seed is invalid:\n${list}`);
    this.issues = issues;
  }
}

/**
 * A call the simulated account does not implement. Code `SIMULATED_OPERATION_UNSUPPORTED`: the
 * runbook uses an AWS operation that dry runs and exercises cannot answer yet.
 */
export class SimulatedOperationUnsupportedError extends FirebreakError {
  constructor(service: string, operation: string) {
    super(
      'SIMULATED_OPERATION_UNSUPPORTED',
      `the simulated account does not implement ${service}:${operation}; run against a real account or add it to src/aws/simulated`,
    );
  }
}
