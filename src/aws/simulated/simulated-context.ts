import type { IdSequence } from './id-sequence.js';
import type { SimulatedAccountState } from './simulated-account-state.js';

/** What every simulated operation works on: the live state, the id sequence and the time. */
export interface SimulatedContext {
  readonly state: SimulatedAccountState;
  readonly ids: IdSequence;
  /** The current time as an ISO string. */
  now(): string;
}

/**
 * A table of simulated operations of one service, by AWS operation name. Inputs and outputs
 * are the SDK's request and result shapes (without `$metadata`).
 */
export type SimulatedOperationTable = Record<
  string,
  (context: SimulatedContext, input: never) => object
>;
