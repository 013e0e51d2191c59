import { formatChange } from '../../actions/index.js';
import type { PlannedChange } from '../../actions/index.js';
import { readPreviewPlan } from '../../engine/index.js';
import { escapeSlackText, MAX_BLOCK_TEXT_CHARS, toCodeBlock, truncateText } from './slack-text.js';

/** Hex digits of a plan hash that messages show; enough to tell two plans apart by eye. */
export const SHORT_HASH_HEX_CHARS = 12;

/** The parts of an approval preview this view reads (the engine's `ApprovalPreview`). */
interface PreviewFields {
  readonly action?: unknown;
  readonly input?: unknown;
  readonly planError?: unknown;
  readonly approvedPlanHash?: unknown;
}

/** `sha256:0123456789ab` from a full `sha256:` hash; other text is returned as it is. */
export function toShortHash(hash: string): string {
  const [algorithm, hex] = hash.split(':');
  if (hex === undefined) return hash;
  return `${algorithm}:${hex.slice(0, SHORT_HASH_HEX_CHARS)}`;
}

function toChangeLines(changes: readonly PlannedChange[]): string {
  if (changes.length === 0) return '_No change: the live state is already as the step leaves it._';
  const lines = escapeSlackText(changes.map(formatChange).join('\n'));
  return `\`\`\`${truncateText(lines, MAX_BLOCK_TEXT_CHARS - 6)}\`\`\``;
}

/**
 * The "What will change" sections of an approval message, each within Slack's block limit. A
 * preview with a plan shows its changes as `resource: before -> after` lines and the plan's
 * short hash (and says so when the live state changed since an earlier approval), then the
 * action and its input; any other preview is shown as JSON.
 */
export function toApprovalPreviewSections(preview: unknown): string[] {
  const fields = (preview ?? {}) as PreviewFields;
  const plan = readPreviewPlan(preview);
  if (plan === undefined) {
    const why =
      typeof fields.planError === 'string'
        ? `\n_The plan could not be computed: ${escapeSlackText(fields.planError)}_`
        : '';
    return [`*What will change*\n${toCodeBlock(preview)}${why}`];
  }

  const head = `*What will change* (plan \`${toShortHash(plan.hash)}\`)`;
  const sections = [`${head}\n${toChangeLines(plan.changes)}`];
  if (typeof fields.approvedPlanHash === 'string') {
    const approved = toShortHash(fields.approvedPlanHash);
    sections.push(
      `:warning: The live state changed after plan \`${approved}\` was approved; this is the new plan, so it needs approval again.`,
    );
  }
  const action = typeof fields.action === 'string' ? escapeSlackText(fields.action) : 'the action';
  sections.push(`\`${action}\` with\n${toCodeBlock(fields.input ?? {})}`);
  return sections;
}
