import type { RunState } from '../../engine/index.js';
import { isFinished } from '../../engine/index.js';
import type { RunbookDocument } from '../../runbook/index.js';
import { describeTrigger } from './run-message.js';
import { escapeSlackText, formatElapsedMs, toStepIcon, truncateText } from './slack-text.js';

/** How many finished runs `status` lists besides those in flight. */
const RECENT_FINISHED_RUNS = 5;

/** The answer to `/ir help`. */
export function toHelpText(command: string): string {
  return [
    `*firebreak* incident-response runbooks. Type:`,
    `\`${command} run <runbook> key=value ...\` start a runbook`,
    `\`${command} plan <runbook> key=value ...\` what a run would change, from live state (changes nothing)`,
    `\`${command} list\` the runbooks you can run`,
    `\`${command} status [run]\` runs in flight, or one run`,
    `\`${command} abort <run> <reason>\` stop a run`,
    `\`${command} undo <run> [step]\` reverse a finished run's changes (or one step's), after approval`,
    `\`${command} help\` this text`,
  ]
    .map(escapeSlackText)
    .join('\n');
}

/** The answer to `/ir list`: each runbook, its inputs and its shortcut, if any. */
export function toRunbookList(runbooks: readonly RunbookDocument[], command: string): string {
  if (runbooks.length === 0) return 'No runbooks are loaded.';
  const lines = runbooks.map((runbook) => {
    const inputs = Object.entries(runbook.inputs)
      .map(([name, def]) =>
        def.default === undefined && def.required !== false ? `${name}=…` : `[${name}=…]`,
      )
      .join(' ');
    const shortcuts = runbook.triggers.flatMap((t) =>
      t.command ? [`\`${command} ${t.command}\``] : [],
    );
    const also = shortcuts.length > 0 ? ` (also ${shortcuts.join(', ')})` : '';
    return `• \`${command} run ${runbook.name} ${inputs}\`${also}\n   ${escapeSlackText(runbook.title)} · ${runbook.severity}`;
  });
  return truncateText(lines.join('\n'));
}

function toRunLine(run: RunState, nowMs: number): string {
  const elapsed = formatElapsedMs((run.finishedAtMs ?? nowMs) - run.startedAtMs);
  const step = run.steps[run.cursor];
  const at = step && !isFinished(run) ? ` at \`${step.id}\` (${step.status})` : '';
  return `• \`${run.runId}\` ${escapeSlackText(run.runbookId)} *${run.status}*${at} · ${elapsed} · ${describeTrigger(run)}`;
}

/** The answer to `/ir status`: runs in flight, then the last few finished. */
export function toRunsInFlight(
  runs: readonly RunState[],
  command: string,
  nowMs = Date.now(),
): string {
  const active = runs.filter((r) => !isFinished(r));
  const finished = runs.filter((r) => isFinished(r)).slice(-RECENT_FINISHED_RUNS);
  const lines = [active.length === 0 ? 'No runs in flight.' : '*In flight*'];
  lines.push(...active.map((r) => toRunLine(r, nowMs)));
  if (finished.length > 0)
    lines.push('*Recently finished*', ...finished.map((r) => toRunLine(r, nowMs)));
  lines.push(`Type \`${command} status <run>\` for one run's steps.`);
  return truncateText(lines.join('\n'));
}

/** The answer to `/ir status <run>`. */
export function toRunStatus(run: RunState, nowMs: number): string {
  const steps = run.steps.map(
    (s) => `${toStepIcon(s.status)} ${s.phase} / \`${s.id}\` ${s.status}`,
  );
  const where = run.simulated ? 'SIMULATED account' : 'REAL AWS account';
  const failure = run.failure
    ? [`${escapeSlackText(run.failure.code)}: ${escapeSlackText(run.failure.message)}`]
    : [];
  return truncateText([`${toRunLine(run, nowMs)} · ${where}`, ...steps, ...failure].join('\n'));
}
