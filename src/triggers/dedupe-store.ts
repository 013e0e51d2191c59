/** Who holds an incident key after {@link DedupeStore.claimDelivery}. */
export interface IncidentClaim {
  /** True when this call took the key, so its caller starts the run. */
  readonly claimed: boolean;
  /** The run the incident belongs to: the caller's own run id when `claimed`. */
  readonly runId: string;
}

/** An incident key a delivery would start a run for. */
export interface IncidentRequest {
  readonly incidentKey: string;
  /** The run to start if the key is free. */
  readonly runId: string;
  /** How long the key stays with the run, in milliseconds. */
  readonly windowMs: number;
}

/** Everything one verified delivery asks of the store. */
export interface DeliveryClaimRequest {
  readonly messageId: string;
  /** How long the MessageId is remembered, in milliseconds. */
  readonly messageTtlMs: number;
  readonly incidents: readonly IncidentRequest[];
}

/** What {@link DedupeStore.claimDelivery} found. */
export type DeliveryClaim =
  /** The MessageId was taken before: an SNS redelivery. Nothing else was claimed. */
  | { readonly duplicate: true }
  /** The MessageId is now taken, and each incident's holder, in the order asked. */
  | { readonly duplicate: false; readonly incidents: readonly IncidentClaim[] };

/**
 * The records that make SNS intake start one run per incident: MessageIds already taken and
 * the run each open incident key belongs to. Several servers share one store (Redis) so they
 * agree; the embedded default keeps them in memory. Every claim is atomic.
 */
export interface DedupeStore {
  /**
   * Takes a delivery's MessageId and, unless it was taken already (a redelivery, which claims
   * nothing), each incident key that no run holds yet: one atomic step, one round trip.
   */
  claimDelivery(request: DeliveryClaimRequest): Promise<DeliveryClaim>;
  /** Gives a MessageId back, so SNS's retry of a delivery that failed is handled afresh. */
  releaseMessage(messageId: string): Promise<void>;
  /** The run holding `incidentKey`, or undefined when none does. */
  findIncident(incidentKey: string): Promise<string | undefined>;
  /** Drops `incidentKey` if `runId` still holds it (the run could not be started). */
  releaseIncident(incidentKey: string, runId: string): Promise<void>;
}
