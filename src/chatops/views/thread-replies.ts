import type { RunState, StepState } from '../../engine/index.js';
import { escapeSlackText, formatElapsedMs, toCodeBlock, toStepIcon } from './slack-text.js';

/** The thread reply for a step that finished: how it ended, how long it took, its output. */
export function toStepReply(step: StepState): string {
  const took =
    step.startedAtMs !== undefined && step.finishedAtMs !== undefined
      ? ` in ${formatElapsedMs(step.finishedAtMs - step.startedAtMs)}`
      : '';
  const head = `${toStepIcon(step.status)} \`${step.id}\` (${step.phase}, ${escapeSlackText(step.action)}) ${step.status}${took}`;
  if (step.error) {
    return `${head}\n*${escapeSlackText(step.error.code)}*: ${escapeSlackText(step.error.message)}`;
  }
  if (step.note) return `${head}: ${escapeSlackText(step.note)}`;
  if (step.outputs !== undefined && step.status === 'succeeded') {
    return `${head}\n${toCodeBlock(step.outputs)}`;
  }
  return head;
}

/** The final summary posted in the thread when a run finishes. */
export function toSummaryReply(run: RunState): string {
  const counts = new Map<string, number>();
  for (const step of run.steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const took = formatElapsedMs((run.finishedAtMs ?? run.startedAtMs) - run.startedAtMs);
  const where = run.simulated ? 'SIMULATED account' : 'REAL AWS account';
  const lines = [
    `*Summary*: \`${run.runId}\` *${run.status}* in ${took} on the ${where}: ${tally}.`,
  ];
  if (run.failure) {
    lines.push(`${escapeSlackText(run.failure.code)}: ${escapeSlackText(run.failure.message)}`);
  }
  return lines.join('\n');
}

/** What {@link toTriggerNoteReply} says about a message noted on a run. */
export interface TriggerNoteView {
  readonly reason: 'same-incident' | 'alarm-state-change';
  /** One line about the message, e.g. `alarm EC2-CPU ALARM -> OK`. */
  readonly summary: string;
  readonly incidentKey: string;
}

/** The thread reply for an SNS message noted on the run its incident started. */
export function toTriggerNoteReply(note: TriggerNoteView): string {
  const summary = escapeSlackText(note.summary);
  if (note.reason === 'alarm-state-change') {
    return `:bell: The alarm that started this run changed: ${summary}`;
  }
  // A backtick would end the code span early; the key is shown, not parsed.
  const key = escapeSlackText(note.incidentKey).replaceAll('`', "'");
  return `:repeat: Another message for this incident (\`${key}\`), not started again: ${summary}`;
}
