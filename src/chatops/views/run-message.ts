import type { RunState, StepState } from '../../engine/index.js';
import type { types } from '@slack/bolt';
import {
  escapeSlackText,
  formatElapsedMs,
  toAccountLabel,
  toStepIcon,
  toUserMention,
  truncateText,
} from './slack-text.js';

/** A message body for `chat.postMessage` / `chat.update`. */
export interface SlackMessage {
  /** Plain fallback for notifications and clients without blocks. */
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

const RUN_ICONS: Readonly<Record<RunState['status'], string>> = {
  running: ':arrows_counterclockwise:',
  awaiting_approval: ':raised_hand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  denied: ':no_entry:',
  aborted: ':octagonal_sign:',
};

/** Where the run came from, in words. */
export function describeTrigger(run: RunState): string {
  const by = toUserMention(run.requester);
  switch (run.trigger.source) {
    case 'slack':
      return `Slack command by ${by}`;
    case 'sns': {
      const key = run.trigger.incidentKey ?? run.trigger.messageId ?? 'SNS';
      return `alarm or finding via SNS (${escapeSlackText(key)})`;
    }
    case 'cli':
      return `CLI by ${by}`;
    case 'tabletop':
      return `tabletop exercise by ${by}`;
  }
}

function elapsedOf(step: StepState, nowMs: number): string {
  if (step.startedAtMs === undefined) return '';
  return ` · ${formatElapsedMs((step.finishedAtMs ?? nowMs) - step.startedAtMs)}`;
}

/** `14:05 UTC` today, `Dec 7 14:05 UTC` on another day (UTC, as the audit log's times). */
function formatUntil(until: Date, nowMs: number): string {
  const iso = until.toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  if (iso.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10)) return time;
  const day = until.toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return `${day} ${time}`;
}

function toStepLine(step: StepState, nowMs: number): string {
  const waiting = step.status === 'running' && step.waitUntilMs !== undefined;
  const until = waiting ? new Date(step.waitUntilMs as number) : undefined;
  const detail = step.error
    ? ` · ${escapeSlackText(step.error.code)}`
    : until
      ? ` · waiting until ${formatUntil(until, nowMs)}`
      : '';
  return `${toStepIcon(step.status)} ${step.phase} / \`${step.id}\` ${step.status}${elapsedOf(step, nowMs)}${detail}`;
}

/**
 * The one message a run has in Slack, rendered from its state: runbook, trigger, phase,
 * every step with its state and elapsed time. Posted once and then updated in place.
 */
export function toRunMessage(run: RunState, nowMs: number): SlackMessage {
  const elapsed = formatElapsedMs((run.finishedAtMs ?? nowMs) - run.startedAtMs);
  const phase = run.steps[run.cursor]?.phase ?? 'done';
  const headline = `${RUN_ICONS[run.status]} *${escapeSlackText(run.runbookId)}* · \`${run.runId}\` · *${run.status}*`;
  const context = [
    toAccountLabel(run),
    describeTrigger(run),
    `phase: ${phase}`,
    `elapsed: ${elapsed}`,
  ].join(' · ');
  const steps = run.steps.map((step) => toStepLine(step, nowMs)).join('\n') || '_no steps_';
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    { type: 'section', text: { type: 'mrkdwn', text: truncateText(steps) } },
  ];
  if (run.failure) {
    const failure = `*${escapeSlackText(run.failure.code)}*: ${escapeSlackText(run.failure.message)}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncateText(failure) } });
  }
  const text = `${run.runbookId} ${run.runId}: ${run.status} (${toAccountLabel(run)})`;
  return { text, blocks };
}
