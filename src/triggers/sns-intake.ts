import { appendAll } from '../audit/index.js';
import type { AuditEntry, AuditSink } from '../audit/index.js';
import type { RunRequest } from '../engine/index.js';
import { resolveInputs } from '../runbook/index.js';
import type { RunbookDocument } from '../runbook/index.js';
import { FirebreakError, createRunId, createSilentLogger, describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';
import type { DedupeStore, IncidentClaim } from './dedupe-store.js';
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
  | 'TRIGGER_START_FAILED'
  /** The runbook's lock (`lockMode: refuse`) is held by another run; the driver recorded it. */
  | 'TRIGGER_RUN_LOCKED';

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
  /**
   * The clock `$now()` reads in rule mappings and incident keys: a tabletop exercise's virtual
   * one. Default: the wall clock.
   */
  clock?: Pick<Clock, 'now'>;
  /** `trigger.source` of the runs started. Default `sns`; exercises start `tabletop` runs. */
  triggerSource?: 'sns' | 'tabletop';
  /** Fields added to every `trigger.received` record (an exercise says it checked no signature). */
  receivedData?: Readonly<Record<string, unknown>>;
}

/**
 * What the intake reads of a delivery's envelope. A tabletop inject of a bare message has no
 * topic.
 */
export type SnsDelivery = Pick<SnsEnvelope, 'MessageId'> & { readonly TopicArn?: string };

/** Turns verified SNS notifications into runs; plug `onNotification` into the SNS handler. */
export interface SnsIntake {
  onNotification(envelope: SnsDelivery, event: TriggerEvent): Promise<SnsIntakeResult>;
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
  readonly envelope: SnsDelivery;
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

/** A delivery being handled: its audit records wait here until they can be written together. */
interface Handling {
  readonly delivery: Delivery;
  readonly pending: AuditEntry[];
  readonly notes: TriggerNote[];
  readonly outcomes: TriggerOutcome[];
}

function refusal(
  delivery: Delivery,
  code: TriggerRefusalCode,
  details: Record<string, unknown>,
): AuditEntry {
  return {
    type: 'trigger.refused',
    actor: 'sns',
    data: { messageId: delivery.envelope.MessageId, code, ...details },
  };
}

function addNote(handling: Handling, note: TriggerNote): void {
  handling.pending.push({
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
  handling.notes.push(note);
  handling.outcomes.push({ kind: 'noted', note });
}

/** Resolves a rule's inputs and incident key; a failure is a refusal, not an error. */
async function resolveMatch(
  config: IntakeConfig,
  delivery: Delivery,
  hit: TriggerRuleHit,
): Promise<TriggerMatch | AuditEntry> {
  try {
    const match = await resolveTriggerMatch(hit, delivery.event, config.options.clock);
    const runbook = config.runbooks.get(hit.runbookId);
    if (runbook) resolveInputs(runbook, match.inputs);
    return match;
  } catch (error) {
    if (!(error instanceof FirebreakError)) throw error;
    return refusal(delivery, 'TRIGGER_MAPPING_FAILED', {
      runbook: hit.runbookId,
      rule: hit.ruleIndex,
      reason: `${error.code}: ${error.message}`,
    });
  }
}

/**
 * Starts the run for a claimed incident. The records waiting so far (the delivery's
 * `trigger.received` first) go with the run's first commit, so the chain shows the trigger and
 * the run it started together or not at all.
 */
async function start(
  config: IntakeConfig,
  handling: Handling,
  match: TriggerMatch,
  runId: string,
): Promise<void> {
  const { delivery } = handling;
  const { runbookId, incidentKey } = match;
  const messageId = delivery.envelope.MessageId;
  const matched: AuditEntry = {
    type: 'trigger.matched',
    runId,
    actor: 'sns',
    data: { messageId, runbook: runbookId, rule: match.ruleIndex, incidentKey },
  };
  const triggerAudit = [...handling.pending.splice(0), matched];
  try {
    await config.options.startRun({
      runbookId,
      runId,
      inputs: match.inputs,
      requester: 'sns',
      trigger: {
        source: config.options.triggerSource ?? 'sns',
        event: delivery.event,
        messageId,
        incidentKey,
      },
      triggerAudit,
    });
  } catch (error) {
    await releaseIncident(config, incidentStoreKey(runbookId, incidentKey), runId);
    if (error instanceof FirebreakError && error.code === 'RUN_LOCKED') {
      // The driver recorded the refused run with the trigger's records: nothing to redeliver.
      config.logger.warn('trigger run refused by its lock', { runbookId, runId, messageId });
      handling.outcomes.push({ kind: 'refused', runbookId, code: 'TRIGGER_RUN_LOCKED' });
      return;
    }
    // The driver throws only when it recorded nothing, so the trigger's records go here.
    const reason = error instanceof Error ? error.message : String(error);
    const failed = refusal(delivery, 'TRIGGER_START_FAILED', { runbook: runbookId, runId, reason });
    await appendAll(config.options.audit, [...triggerAudit, failed]).catch((auditError) => {
      config.logger.error('trigger start failure not audited', {
        runId,
        error: describeError(auditError),
      });
    });
    throw error;
  }
  config.logger.info('trigger run started', { runbookId, runId, incidentKey, messageId });
  handling.outcomes.push({ kind: 'started', runbookId, runId });
}

/** Gives an incident key back; a failure is logged, as the key expires with its window anyway. */
async function releaseIncident(config: IntakeConfig, key: string, runId: string): Promise<void> {
  try {
    await config.options.store.releaseIncident(key, runId);
  } catch (error) {
    config.logger.error('incident key not released', { runId, error: describeError(error) });
  }
}

/** Notes a change of state (an alarm back to OK) on the run its incident started, if any. */
async function noteStateChange(
  config: IntakeConfig,
  handling: Handling,
  hit: TriggerRuleHit,
): Promise<void> {
  let incidentKey: string;
  try {
    incidentKey = await resolveIncidentKey(hit, handling.delivery.event, config.options.clock);
  } catch (error) {
    if (!(error instanceof FirebreakError)) throw error;
    config.logger.debug('trigger incident key not resolved', { runbookId: hit.runbookId });
    return;
  }
  const runId = await config.options.store.findIncident(
    incidentStoreKey(hit.runbookId, incidentKey),
  );
  if (runId === undefined) return;
  const { envelope, summary } = handling.delivery;
  const note = { runId, runbookId: hit.runbookId, incidentKey, messageId: envelope.MessageId };
  addNote(handling, { ...note, summary, reason: 'alarm-state-change' });
}

/**
 * Handles a delivery whose MessageId is now taken: starts a run per claimed incident (one at a
 * time, so the records keep the order they were made in), notes the message on the runs that
 * hold the others, and writes whatever records no run start carried.
 */
async function handleClaimed(
  config: IntakeConfig,
  handling: Handling,
  matches: readonly TriggerMatch[],
  claims: readonly IncidentClaim[],
): Promise<void> {
  const { delivery } = handling;
  for (const [index, match] of matches.entries()) {
    const claim = claims[index] as IncidentClaim;
    if (claim.claimed) {
      try {
        await start(config, handling, match, claim.runId);
      } catch (error) {
        // SNS delivers again: the incidents this delivery claimed but did not start go back too.
        for (const [later, next] of matches.entries()) {
          const held = claims[later] as IncidentClaim;
          const key = incidentStoreKey(next.runbookId, next.incidentKey);
          if (later > index && held.claimed) await releaseIncident(config, key, held.runId);
        }
        throw error;
      }
      continue;
    }
    const { runbookId, incidentKey } = match;
    const messageId = delivery.envelope.MessageId;
    const note = { runId: claim.runId, runbookId, incidentKey, messageId };
    addNote(handling, { ...note, summary: delivery.summary, reason: 'same-incident' });
  }
  for (const hit of config.matcher.findTrackingRules(delivery.event)) {
    await noteStateChange(config, handling, hit);
  }
  if (handling.outcomes.length === 0 && !handling.pending.some(isMappingRefusal)) {
    handling.pending.push(refusal(delivery, 'TRIGGER_NO_MATCH', { summary: delivery.summary }));
  }
}

function isMappingRefusal(entry: AuditEntry): boolean {
  return entry.data?.['code'] === 'TRIGGER_MAPPING_FAILED';
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

  const notify = (notes: readonly TriggerNote[]): void => {
    for (const note of notes) {
      try {
        options.onNote?.(note);
      } catch (error) {
        config.logger.warn('trigger note listener failed', {
          runId: note.runId,
          error: String(error),
        });
      }
    }
  };

  return {
    async onNotification(envelope, event) {
      const messageId = envelope.MessageId;
      const delivery = { envelope, event, summary: summarizeTriggerEvent(event) };
      const received: AuditEntry = {
        type: 'trigger.received',
        actor: 'sns',
        data: {
          messageId,
          topicArn: envelope.TopicArn,
          kind: event.kind,
          summary: delivery.summary,
          ...options.receivedData,
        },
      };
      const handling: Handling = { delivery, pending: [received], notes: [], outcomes: [] };

      // Rules are matched before anything is claimed, so that the MessageId and every
      // incident key are taken in one round trip.
      const resolved = await Promise.all(
        config.matcher.findRules(event).map((hit) => resolveMatch(config, delivery, hit)),
      );
      const matches = resolved.filter((item): item is TriggerMatch => !('type' in item));
      const claim = await options.store.claimDelivery({
        messageId,
        messageTtlMs: config.messageTtlMs,
        incidents: matches.map((match) => ({
          incidentKey: incidentStoreKey(match.runbookId, match.incidentKey),
          runId: config.nextRunId(),
          windowMs: match.dedupeWindowMs ?? config.incidentWindowMs,
        })),
      });
      if (claim.duplicate) {
        const duplicate = refusal(delivery, 'TRIGGER_DUPLICATE_MESSAGE', {});
        await appendAll(options.audit, [received, duplicate]);
        return { messageId, duplicate: true, outcomes: [] };
      }

      handling.pending.push(...resolved.filter((item): item is AuditEntry => 'type' in item));
      try {
        await handleClaimed(config, handling, matches, claim.incidents);
        if (handling.pending.length > 0) await appendAll(options.audit, handling.pending);
      } catch (error) {
        await options.store.releaseMessage(messageId);
        throw error;
      }
      notify(handling.notes);
      return { messageId, duplicate: false, outcomes: handling.outcomes };
    },
  };
}
