/** Who holds an incident key after {@link DedupeStore.claimIncident}. */
export interface IncidentClaim {
  /** True when this call took the key, so its caller starts the run. */
  readonly claimed: boolean;
  /** The run the incident belongs to: the caller's own run id when `claimed`. */
  readonly runId: string;
}

/**
 * The records that make SNS intake start one run per incident: MessageIds already taken and
 * the run each open incident key belongs to. Several servers share one store (Redis) so they
 * agree; the embedded default keeps them in memory. Every claim is atomic.
 */
export interface DedupeStore {
  /**
   * Takes a MessageId for `ttlMs` milliseconds. False when it was already taken: the message
   * is a redelivery and starts nothing.
   */
  claimMessage(messageId: string, ttlMs: number): Promise<boolean>;
  /** Gives a MessageId back, so SNS's retry of a delivery that failed is handled afresh. */
  releaseMessage(messageId: string): Promise<void>;
  /**
   * Takes `incidentKey` for `runId` for `windowMs` milliseconds, unless a run already holds
   * it; either way says which run the incident belongs to.
   */
  claimIncident(incidentKey: string, runId: string, windowMs: number): Promise<IncidentClaim>;
  /** The run holding `incidentKey`, or undefined when none does. */
  findIncident(incidentKey: string): Promise<string | undefined>;
  /** Drops `incidentKey` if `runId` still holds it (the run could not be started). */
  releaseIncident(incidentKey: string, runId: string): Promise<void>;
}
