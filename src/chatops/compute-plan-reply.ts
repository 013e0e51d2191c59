import { planRunbook } from '../plan/index.js';
import type { PlanRunbookOptions } from '../plan/index.js';
import { describeError } from '../shared/index.js';
import { toPlanReply } from './views/plan-reply.js';
import { escapeSlackText } from './views/slack-text.js';

/**
 * Plans a runbook (read-only describes, changes nothing) and answers with the Slack text of
 * the plan, or one sentence saying why it failed; `command` (`/ir`) shapes what to type next.
 * Never throws: a failed plan is logged and answered.
 */
export async function computePlanReply(
  options: PlanRunbookOptions & { readonly command: string },
): Promise<string> {
  const { command, ...planOptions } = options;
  const runbookId = options.runbook.name;
  try {
    return toPlanReply(await planRunbook(planOptions), command);
  } catch (error) {
    options.logger.warn('plan failed', { runbookId, error: describeError(error) });
    const why = escapeSlackText(describeError(error));
    return `:x: The plan of *${runbookId}* failed, and nothing was changed: ${why}`;
  }
}
