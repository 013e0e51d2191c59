import type { AuditSink } from '../../audit/index.js';
import type { ControlOutcome, EventRefusal, RunDriver } from '../../engine/index.js';
import { findStep } from '../../engine/index.js';
import type { Clock, Logger } from '../../shared/index.js';
import { NOOP_CHATOPS_METRICS } from '../chatops-metrics.js';
import type { ChatOpsMetrics } from '../chatops-metrics.js';
import type { SlackRoleResolver } from '../slack-role-resolver.js';
import type { EphemeralPoster } from '../slash-command-handler.js';
import type { ApprovalRef } from '../views/approval-message.js';
import { toSlackDate } from '../views/slack-text.js';

/** A decision from a Slack button or the deny modal. */
export interface SlackDecision {
  readonly ref: ApprovalRef;
  readonly slackUserId: string;
  /** Where to tell the decider about a refusal; none means the refusal is only logged. */
  readonly channelId?: string;
  readonly decision: 'approve' | 'deny';
  readonly reason?: string;
}

/** Options for {@link ApprovalHandler}. */
export interface ApprovalHandlerOptions {
  readonly driver: RunDriver;
  readonly roles: Pick<SlackRoleResolver, 'rolesOf'>;
  readonly audit: AuditSink;
  readonly postEphemeral: EphemeralPoster;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: ChatOpsMetrics;
}

/**
 * Turns approval clicks into engine decisions. The engine enforces the rules (requester,
 * role, duplicate, deadline) and audits what it refuses; this adds the Slack side: users the
 * role map does not know are refused before the engine, refusals the engine does not record
 * (a run already finished, an unknown run) are audited here, and the clicker is told why.
 */
export class ApprovalHandler {
  private readonly metrics: ChatOpsMetrics;

  constructor(private readonly options: ApprovalHandlerOptions) {
    this.metrics = options.metrics ?? NOOP_CHATOPS_METRICS;
  }

  /** Whether `slackUserId` holds any role at all; unknown users are refused and audited. */
  async checkKnown(decision: SlackDecision): Promise<string[] | undefined> {
    const roles = await this.options.roles.rolesOf(decision.slackUserId);
    if (roles.length > 0) return roles;
    await this.refuse(decision, {
      code: 'USER_UNKNOWN',
      message: `<@${decision.slackUserId}> is not in firebreak's role map, so cannot decide on approvals`,
    });
    return undefined;
  }

  /** Applies a decision; returns the engine's outcome, or undefined when refused before it. */
  async decide(decision: SlackDecision): Promise<ControlOutcome | undefined> {
    const roles = await this.checkKnown(decision);
    if (!roles) return undefined;
    const { ref, slackUserId } = decision;
    const outcome = await this.options.driver.decide({
      runId: ref.runId,
      stepId: ref.stepId,
      by: slackUserId,
      roles,
      decision: decision.decision,
      reason: decision.reason,
    });
    if (outcome.accepted) {
      this.recordAccepted(decision, outcome);
      return outcome;
    }
    // The engine audits refusals of events it applies; a finished or unknown run never gets that far.
    const unrecorded = outcome.refusal.code === 'RUN_FINISHED' || outcome.state === undefined;
    await this.refuse(decision, outcome.refusal, unrecorded, outcome);
    return outcome;
  }

  private recordAccepted(
    decision: SlackDecision,
    outcome: Extract<ControlOutcome, { accepted: true }>,
  ) {
    const step = findStep(outcome.state, decision.ref.stepId);
    const requestedAtMs = step?.approval?.requestedAtMs;
    if (requestedAtMs !== undefined) {
      this.metrics.approvalDecided(decision.decision, this.options.clock.now() - requestedAtMs);
    }
    this.options.logger.info('approval decided from slack', {
      runId: decision.ref.runId,
      stepId: decision.ref.stepId,
      slackUserId: decision.slackUserId,
      decision: decision.decision,
    });
  }

  private async refuse(
    decision: SlackDecision,
    refusal: { code: string; message: string },
    audit = true,
    outcome?: ControlOutcome,
  ): Promise<void> {
    const { ref, slackUserId, channelId } = decision;
    this.metrics.requestRefused(refusal.code);
    this.options.logger.warn('approval refused', { ...ref, slackUserId, code: refusal.code });
    if (audit) {
      await this.options.audit.append({
        type: 'approval.refused',
        runId: ref.runId,
        stepId: ref.stepId,
        actor: slackUserId,
        data: {
          source: 'slack',
          code: refusal.code,
          reason: refusal.message,
          decision: decision.decision,
        },
      });
    }
    if (channelId === undefined) return;
    const text = `:no_entry: ${toRefusalSentence(refusal, decision, outcome)} (\`${ref.runId}\`)`;
    await this.options.postEphemeral(channelId, slackUserId, text);
  }
}

/** One sentence for the person whose click was refused. */
export function toRefusalSentence(
  refusal: { code: EventRefusal['code'] | string; message: string },
  decision: SlackDecision,
  outcome?: ControlOutcome,
): string {
  const step = outcome?.state ? findStep(outcome.state, decision.ref.stepId) : undefined;
  const stepId = `\`${decision.ref.stepId}\``;
  switch (refusal.code) {
    case 'USER_UNKNOWN':
      return 'You are not in firebreak’s role map, so you cannot approve or deny. Ask an IR lead to add you.';
    case 'APPROVAL_SELF':
      return `You asked for this run, so someone else has to decide on ${stepId}.`;
    case 'APPROVAL_DUPLICATE':
      return `You have already decided on ${stepId}; a second click counts once.`;
    case 'APPROVAL_ROLE_MISSING':
      return `You hold none of the roles that may decide on ${stepId}: ${step?.approval?.roles.join(', ') ?? refusal.message}.`;
    case 'APPROVAL_LATE': {
      const deadline = step?.approval?.deadlineAtMs;
      const when = deadline === undefined ? '' : ` (${toSlackDate(deadline)})`;
      return `Too late: the deadline for ${stepId} has passed${when}, so it is denied.`;
    }
    default: {
      const where = outcome?.state
        ? `the run is ${outcome.state.status}`
        : 'the run is unknown here';
      return `${stepId} is no longer waiting for a decision: ${where}.`;
    }
  }
}
