import type { RunState, StepStatus } from '../../engine/index.js';

/** Longest text we put in one Block Kit text object (Slack allows 3,000 characters). */
export const MAX_BLOCK_TEXT_CHARS = 2900;

/** Escapes the three characters Slack's mrkdwn gives meaning to, so untrusted text stays text. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts `text` to `maxChars`, saying how much was left out. */
export function truncateText(text: string, maxChars: number = MAX_BLOCK_TEXT_CHARS): string {
  if (text.length <= maxChars) return text;
  const kept = text.slice(0, maxChars - 40);
  return `${kept}\n… (${text.length - kept.length} more characters)`;
}

/** JSON in a code block, truncated to fit a block. */
export function toCodeBlock(value: unknown): string {
  const json = JSON.stringify(value, null, 2) ?? 'undefined';
  return `\`\`\`${truncateText(escapeSlackText(json), MAX_BLOCK_TEXT_CHARS - 6)}\`\`\``;
}

/** `<@U…>` for a Slack user id, the escaped name otherwise (CLI users, `sns`). */
export function toUserMention(user: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(user) ? `<@${user}>` : escapeSlackText(user);
}

/** `850 ms`, `12.3 s`, `4 m 05 s`, `1 h 02 m`. */
export function formatElapsedMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (ms < 3_600_000) {
    return `${Math.floor(totalSeconds / 60)} m ${String(totalSeconds % 60).padStart(2, '0')} s`;
  }
  const minutes = Math.floor(totalSeconds / 60) % 60;
  return `${Math.floor(totalSeconds / 3600)} h ${String(minutes).padStart(2, '0')} m`;
}

/** A Slack date token that each reader sees in their own time zone, with a UTC fallback. */
export function toSlackDate(atMs: number): string {
  const seconds = Math.floor(atMs / 1000);
  const fallback = new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${fallback}>`;
}

const STEP_ICONS: Readonly<Record<StepStatus, string>> = {
  pending: ':white_circle:',
  running: ':arrows_counterclockwise:',
  awaiting_approval: ':raised_hand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  skipped: ':fast_forward:',
  denied: ':no_entry:',
  cancelled: ':heavy_minus_sign:',
};

/** The emoji shown beside a step state. */
export function toStepIcon(status: StepStatus): string {
  return STEP_ICONS[status];
}

/** "SIMULATED account" or "REAL AWS account": every message says which. */
export function toAccountLabel(run: Pick<RunState, 'simulated'>): string {
  return run.simulated ? 'SIMULATED account' : 'REAL AWS account';
}
