import type { AuditSink } from '../audit/index.js';
import type { RunRequest } from '../engine/index.js';
import { resolveInputs } from '../runbook/index.js';
import type { RunbookDocument } from '../runbook/index.js';
import { FirebreakError, createRunId, createSilentLogger } from '../shared/index.js';
import type { Logger } from '../shared/index.js';
import type { DedupeStore } from './dedupe-store.js';
import {
  createTriggerMatcher,
  resolveIncidentKey,
  resolveTriggerMatch,
} from './match-trigger-rules.js';
import type { TriggerMatch, TriggerRuleHit } from './match-trigger-rules.js';
import type { SnsEnvelope } from './parse-sns-envelope.js';
import { DEFAULT_SNS_MAX_MESSAGE_AGE_MS } from './sns-endpoint.js';
import type { TriggerEvent } from './trigger-event.js';

/** Default for {@link SnsIntakeOptions.incidentWindowMs}: one hour. */
export const DEFAULT_INCIDENT_WINDOW_MS = 60 * 60 * 1000;
/**
 * Default for {@link SnsIntakeOptions.messageTtlMs}: as long as the SNS endpoint accepts a
 * message at all, so no replay of a signed delivery can get past both checks.
 */
export const DEFAULT_MESSAGE_TTL_MS = DEFAULT_SNS_MAX_MESSAGE_AGE_MS;

/** Stable codes of the `trigger.refused` records the intake writes. */
export type TriggerRefusalCode =
  /** The MessageId was handled before: an SNS redelivery. */
  | 'TRIGGER_DUPLICATE_MESSAGE'
  /** No runbook rule matches and no open incident tracks the alarm. */
  | 'TRIGGER_NO_MATCH'
  /** A rule matched but its input mapping or incident key failed, or the inputs are invalid. */
  | 'TRIGGER_MAPPING_FAILED'
  /** The run driver did not take the run; SNS is answered 500 and delivers again. */
  | 'TRIGGER_START_FAILED';

/** Why a message became a note on a run instead of starting one. */
export type TriggerNoteReason = 'same-incident' | 'alarm-state-change';

/** A message attached to a run that is already under way. */
export interface TriggerNote {
  readonly runId: string;
  readonly runbookId: string;
  readonly incidentKey: string;
  readonly messageId: string;
  readonly reason: TriggerNoteReason;
  /** One line about the message, e.g. `alarm EC2-CPU ALARM -> OK`. */
  readonly summary: string;
}

/** What became of one runbook's rule for one message. */
export type TriggerOutcome =
  | { readonly kind: 'started'; readonly runbookId: string; readonly runId: string }
  | { readonly kind: 'noted'; readonly note: TriggerNote }
  | { readonly kind: 'refused'; readonly runbookId: string; readonly code: TriggerRefusalCode };

/** What the intake did with one verified notification. */
export interface SnsIntakeResult {
  readonly messageId: string;
  /** True for a redelivered MessageId: nothing else was done. */
  readonly duplicate: boolean;
  readonly outcomes: readonly TriggerOutcome[];
}

/** Options for {@link createSnsIntake}. */
export interface SnsIntakeOptions {
  /** Runbooks whose trigger rules apply; compiled once, here. */
  runbooks: readonly RunbookDocument[];
  /**
   * Hands a run to the run driver. It should only enqueue: it runs on the SNS request path,
   * which must not call AWS or Slack. The request carries its `runId`.
   */
  startRun(request: RunRequest): Promise<unknown>;
  /** Where MessageIds and open incidents are kept; Redis when several servers take SNS. */
  store: DedupeStore;
  /** Receives trigger.received, trigger.matched, trigger.refused and note records. */
  audit: AuditSink;
  /**
   * How long after a run starts further messages with its incident key become notes on it,
   * in milliseconds, unless the rule sets `dedupeWindow`. Default one hour.
   */
  incidentWindowMs?: number;
  /** How long a MessageId is remembered, in milliseconds. Default 24 hours. */
  messageTtlMs?: number;
  /** Run id generator. Default: random `run-…` ids. */
  createRunId?: () => string;
  /**
   * Called after a note is audited, e.g. to post it to the run's Slack thread later. Runs on
   * the request path: queue work, do not await Slack here. Errors are logged.
   */
  onNote?(note: TriggerNote): void;
  /** Default: silent. */
  logger?: Logger;
}

/** Turns verified SNS notifications into runs; plug `onNotification` into the SNS handler. */
export interface SnsIntake {
  onNotification(envelope: SnsEnvelope, event: TriggerEvent): Promise<SnsIntakeResult>;
}

interface IntakeConfig {
  readonly options: SnsIntakeOptions;
  readonly runbooks: ReadonlyMap<string, RunbookDocument>;
  readonly matcher: ReturnType<typeof createTriggerMatcher>;
  readonly incidentWindowMs: number;
  readonly messageTtlMs: number;
  readonly nextRunId: () => string;
  readonly logger: Logger;
}

interface Delivery {
  readonly envelope: SnsEnvelope;
  readonly event: TriggerEvent;
  readonly summary: string;
}

/** One line about an event for audit records and logs; never the whole payload. */
export function summarizeTriggerEvent(event: TriggerEvent): string {
  switch (event.kind) {
    case 'finding': {
      const severity = event.severity ?? event.severityLabel ?? '?';
      return `${event.source} ${event.findingType} severity ${severity}`;
    }
    case 'alarm':
      return `alarm ${event.alarmName} ${event.oldState ?? '?'} -> ${event.newState}`;
    case 'text':
      return `text ${event.subject ?? ''}`.trim();
    case 'unknown':
      return 'unrecognised message';
  }
}

function incidentStoreKey(runbookId: string, incidentKey: string): string {
  return `${runbookId}:${incidentKey}`;
}

async function refuse(
  config: IntakeConfig,
  delivery: Delivery,
  code: TriggerRefusalCode,
  details: Record<string, unknown>,
): Promise<void> {
  await config.options.audit.append({
    type: 'trigger.refused',
    actor: 'sns',
    data: { messageId: delivery.envelope.MessageId, code, ...details },
  });
}

async function attachNote(config: IntakeConfig, note: TriggerNote): Promise<TriggerOutcome> {
  await config.options.audit.append({
    type: 'note',
    runId: note.runId,
    actor: 'sns',
    data: {
      messageId: note.messageId,
      runbook: note.runbookId,
      incidentKey: note.incidentKey,
      reason: note.reason,
      summary: note.summary,
    },
  });
  try {
    config.options.onNote?.(note);
  } catch (error) {
    config.logger.warn('trigger note listener failed', { runId: note.runId, error: String(error) });
  }
  return { kind: 'noted', note };
}

async function resolveMatch(
  config: IntakeConfig,
  delivery: Delivery,
  hit: TriggerRuleHit,
): Promise<TriggerMatch | undefined> {
  try {
    const match = await resolveTriggerMatch(hit, delivery.event);
    const runbook = config.runbooks.get(hit.runbookId);
    if (runbook) resolveInputs(runbook, match.inputs);
    return match;
  } catch (error) {
    if (!(error instanceof FirebreakError)) throw error;
    await refuse(config, delivery, 'TRIGGER_MAPPING_FAILED', {
      runbook: hit.runbookId,
      rule: hit.ruleIndex,
      reason: `${error.code}: ${error.message}`,
    });
    return undefined;
  }
}

async function startOrAttach(
  config: IntakeConfig,
  delivery: Delivery,
  hit: TriggerRuleHit,
): Promise<TriggerOutcome> {
  const { runbookId } = hit;
  const match = await resolveMatch(config, delivery, hit);
  if (!match) return { kind: 'refused', runbookId, code: 'TRIGGER_MAPPING_FAILED' };

  const { incidentKey } = match;
  const storeKey = incidentStoreKey(runbookId, incidentKey);
  const windowMs = match.dedupeWindowMs ?? config.incidentWindowMs;
  const claim = await config.options.store.claimIncident(storeKey, config.nextRunId(), windowMs);
  const messageId = delivery.envelope.MessageId;
  if (!claim.claimed) {
    const note = {
      runId: claim.runId,
      runbookId,
      incidentKey,
      messageId,
      summary: delivery.summary,
    };
    return attachNote(config, { ...note, reason: 'same-incident' });
  }

  const { runId } = claim;
  await config.options.audit.append({
    type: 'trigger.matched',
    runId,
    actor: 'sns',
    data: { messageId, runbook: runbookId, rule: match.ruleIndex, incidentKey },
  });
  try {
    await config.options.startRun({
      runbookId,
      runId,
      inputs: match.inputs,
      requester: 'sns',
      trigger: { source: 'sns', event: delivery.event, messageId, incidentKey },
    });
  } catch (error) {
    await config.options.store.releaseIncident(storeKey, runId);
    const reason = error instanceof Error ? error.message : String(error);
    await refuse(config, delivery, 'TRIGGER_START_FAILED', { runbook: runbookId, runId, reason });
    throw error;
  }
  config.logger.info('trigger run started', { runbookId, runId, incidentKey, messageId });
  return { kind: 'started', runbookId, runId };
}

async function attachStateChange(
  config: IntakeConfig,
  delivery: Delivery,
  hit: TriggerRuleHit,
): Promise<TriggerOutcome[]> {
  let incidentKey: string;
  try {
    incidentKey = await resolveIncidentKey(hit, delivery.event);
  } catch (error) {
    if (!(error instanceof FirebreakError)) throw error;
    config.logger.debug('trigger incident key not resolved', { runbookId: hit.runbookId });
    return [];
  }

  const storeKey = incidentStoreKey(hit.runbookId, incidentKey);
  const runId = await config.options.store.findIncident(storeKey);
  if (runId === undefined) return [];
  const messageId = delivery.envelope.MessageId;
  const note = { runId, runbookId: hit.runbookId, incidentKey, messageId };
  return [
    await attachNote(config, { ...note, summary: delivery.summary, reason: 'alarm-state-change' }),
  ];
}

async function handleClaimed(config: IntakeConfig, delivery: Delivery): Promise<TriggerOutcome[]> {
  const { matcher } = config;
  const hits = matcher.findRules(delivery.event);
  const tracking = matcher.findTrackingRules(delivery.event);
  const started = await Promise.all(hits.map((hit) => startOrAttach(config, delivery, hit)));
  const noted = await Promise.all(tracking.map((hit) => attachStateChange(config, delivery, hit)));
  const outcomes = [...started, ...noted.flat()];
  if (outcomes.length === 0) {
    await refuse(config, delivery, 'TRIGGER_NO_MATCH', { summary: delivery.summary });
  }
  return outcomes;
}

function resolveConfig(options: SnsIntakeOptions): IntakeConfig {
  const incidentWindowMs = options.incidentWindowMs ?? DEFAULT_INCIDENT_WINDOW_MS;
  const messageTtlMs = options.messageTtlMs ?? DEFAULT_MESSAGE_TTL_MS;
  if (!(incidentWindowMs > 0)) {
    throw new RangeError(`incidentWindowMs must be positive, got ${incidentWindowMs}`);
  }
  if (!(messageTtlMs > 0))
    throw new RangeError(`messageTtlMs must be positive, got ${messageTtlMs}`);
  return {
    options,
    runbooks: new Map(options.runbooks.map((runbook) => [runbook.name, runbook])),
    matcher: createTriggerMatcher(options.runbooks),
    incidentWindowMs,
    messageTtlMs,
    nextRunId: options.createRunId ?? createRunId,
    logger: (options.logger ?? createSilentLogger()).child({ component: 'sns-intake' }),
  };
}

/**
 * Creates the intake behind the SNS endpoint's `onNotification`. For each verified message,
 * in order: audit `trigger.received`; take the MessageId (a redelivery stops here, refused as
 * `TRIGGER_DUPLICATE_MESSAGE`); match every runbook's rules; for each match take its incident
 * key (runbook plus the rule's key) and either start a run through `startRun` or, when a run
 * already holds the key within its window, attach the message to that run as a `note`. An
 * alarm that changes state again (back to OK, say) is noted on the run its incident started.
 * If the store or `startRun` fails, the claims are given back and the error is rethrown, so
 * the endpoint answers 500 and SNS delivers again.
 * @throws TriggerRuleError when a runbook's trigger rule cannot be compiled.
 */
export function createSnsIntake(options: SnsIntakeOptions): SnsIntake {
  const config = resolveConfig(options);

  return {
    async onNotification(envelope, event) {
      const messageId = envelope.MessageId;
      const delivery = { envelope, event, summary: summarizeTriggerEvent(event) };
      await options.audit.append({
        type: 'trigger.received',
        actor: 'sns',
        data: {
          messageId,
          topicArn: envelope.TopicArn,
          kind: event.kind,
          summary: delivery.summary,
        },
      });

      if (!(await options.store.claimMessage(messageId, config.messageTtlMs))) {
        await refuse(config, delivery, 'TRIGGER_DUPLICATE_MESSAGE', {});
        return { messageId, duplicate: true, outcomes: [] };
      }
      try {
        return { messageId, duplicate: false, outcomes: await handleClaimed(config, delivery) };
      } catch (error) {
        await options.store.releaseMessage(messageId);
        throw error;
      }
    },
  };
}
