import type { types } from '@slack/bolt';
import type { RunState, StepState } from '../../engine/index.js';
import { toApprovalPreviewSections } from './approval-preview.js';
import type { SlackMessage } from './run-message.js';
import { escapeSlackText, toAccountLabel, toSlackDate, toUserMention } from './slack-text.js';

/** `action_id` of the Approve button. */
export const ACTION_APPROVE = 'firebreak_approve';
/** `action_id` of the Deny button (opens the reason modal). */
export const ACTION_DENY = 'firebreak_deny';
/** `callback_id` of the modal that asks why a step is denied. */
export const VIEW_DENY_REASON = 'firebreak_deny_reason';
/** Block and action id of the reason field in that modal. */
export const DENY_REASON_FIELD = 'reason';

/** Which approval a button or modal is about; carried in button values and modal metadata. */
export interface ApprovalRef {
  readonly runId: string;
  readonly stepId: string;
}

/** Reads an {@link ApprovalRef} from a button value or modal metadata; undefined if malformed. */
export function parseApprovalRef(text: string | undefined): ApprovalRef | undefined {
  try {
    const value = JSON.parse(text ?? '') as Partial<ApprovalRef>;
    if (typeof value.runId === 'string' && typeof value.stepId === 'string') {
      return { runId: value.runId, stepId: value.stepId };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function toOutcomeLine(run: RunState, step: StepState): string | undefined {
  if (step.status === 'awaiting_approval') return undefined;
  const decisions = step.approval?.decisions ?? [];
  const approvers = decisions
    .filter((d) => d.decision === 'approve')
    .map((d) => toUserMention(d.by));
  const denial = decisions.find((d) => d.decision === 'deny');
  if (denial) {
    const reason = denial.reason ? `: ${escapeSlackText(denial.reason)}` : '';
    return `:no_entry: Denied by ${toUserMention(denial.by)}${reason}`;
  }
  if (step.approved) return `:white_check_mark: Approved by ${approvers.join(', ')}`;
  if (run.failure?.code === 'APPROVAL_DEADLINE' && run.failure.stepId === step.id) {
    return `:alarm_clock: Denied: the deadline passed without enough approvals`;
  }
  if (run.abort) return `:octagonal_sign: Cancelled: run aborted by ${toUserMention(run.abort.by)}`;
  return `:heavy_minus_sign: No longer waiting (step is ${step.status}, run is ${run.status})`;
}

function toRuleLine(run: RunState, step: StepState): string {
  const approval = step.approval;
  const roles = approval?.roles.length ? approval.roles.join(', ') : 'anyone but the requester';
  const approvals = approval?.decisions.filter((d) => d.decision === 'approve') ?? [];
  const deadline =
    approval?.deadlineAtMs === undefined ? 'none' : toSlackDate(approval.deadlineAtMs);
  return [
    `Asked by ${toUserMention(run.requester)}`,
    `needs ${approval?.min ?? 1} approval(s) from ${roles} (${approvals.length} so far)`,
    `deadline: ${deadline}`,
  ].join(' · ');
}

/**
 * The approval message of one step: what will change (the plan's `before -> after` changes
 * and short hash when the action plans, and the action with its resolved input), who asked, the rule and the deadline, and Approve / Deny buttons while it waits; once
 * decided (or timed out, or the run moved on), the outcome instead of the buttons.
 */
export function toApprovalMessage(run: RunState, step: StepState): SlackMessage {
  const ref = JSON.stringify({ runId: run.runId, stepId: step.id } satisfies ApprovalRef);
  const title = `:raised_hand: *Approval for \`${step.id}\`* (${step.phase}) of \`${run.runId}\` · ${escapeSlackText(run.runbookId)} · ${toAccountLabel(run)}`;
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: title } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: toRuleLine(run, step) }] },
    ...toApprovalPreviewSections(step.approval?.preview).map((text): types.KnownBlock => ({
      type: 'section',
      text: { type: 'mrkdwn', text },
    })),
  ];
  const outcome = toOutcomeLine(run, step);
  if (outcome) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: outcome } });
  } else {
    blocks.push({
      type: 'actions',
      block_id: 'firebreak_approval',
      elements: [
        {
          type: 'button',
          action_id: ACTION_APPROVE,
          style: 'primary',
          value: ref,
          text: { type: 'plain_text', text: 'Approve' },
        },
        {
          type: 'button',
          action_id: ACTION_DENY,
          style: 'danger',
          value: ref,
          text: { type: 'plain_text', text: 'Deny' },
        },
      ],
    });
  }
  const text = `Approval ${outcome ? 'closed' : 'needed'} for ${step.id} of ${run.runId} (${toAccountLabel(run)})`;
  return { text, blocks };
}

/** The modal that asks a denier for a reason. */
export function toDenyReasonModal(ref: ApprovalRef, channelId?: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW_DENY_REASON,
    private_metadata: JSON.stringify({ ...ref, channelId }),
    title: { type: 'plain_text', text: 'Deny this step' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: DENY_REASON_FIELD,
        label: { type: 'plain_text', text: `Why deny ${ref.stepId} of ${ref.runId}?` },
        element: {
          type: 'plain_text_input',
          action_id: DENY_REASON_FIELD,
          multiline: true,
          max_length: 500,
        },
      },
    ],
  };
}
