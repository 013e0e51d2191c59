import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedCall } from './helpers/fake-slack-api.js';
import { startChatOpsHarness, TEST_SIGNING_SECRET } from './helpers/chatops-harness.js';
import type { ChatOpsHarness } from './helpers/chatops-harness.js';
import {
  postSlack,
  toButtonClickBody,
  toDenySubmissionBody,
  toSlashCommandBody,
} from './helpers/slack-requests.js';

let h: ChatOpsHarness;
let triggerSeq = 0;

beforeEach(async () => {
  h = await startChatOpsHarness();
});
afterEach(async () => {
  await h.close();
});

function command(
  userId: string,
  text: string,
  extra: { triggerId?: string; retryNum?: number } = {},
) {
  const body = toSlashCommandBody({
    userId,
    text,
    triggerId: extra.triggerId ?? `trig-${++triggerSeq}`,
  });
  return postSlack(h.slackUrl, body, {
    secret: TEST_SIGNING_SECRET,
    timestampS: h.nowS(),
    retryNum: extra.retryNum,
  });
}

function click(userId: string, actionId: string, runId: string, stepId: string) {
  const body = toButtonClickBody({ userId, actionId, value: JSON.stringify({ runId, stepId }) });
  return postSlack(h.slackUrl, body, { secret: TEST_SIGNING_SECRET, timestampS: h.nowS() });
}

function blocksText(call: RecordedCall | undefined): string {
  return JSON.stringify(call?.args['blocks'] ?? call?.args['text'] ?? '');
}

/** Ephemeral replies to one user. */
function ephemeralsTo(userId: string): string[] {
  return h.slack
    .accepted('chat.postEphemeral')
    .filter((c) => c.args['user'] === userId)
    .map((c) => String(c.args['text']));
}

async function startWaitingRun(): Promise<string> {
  const answer = await command('UREQ', 'run contain-test target=web-1');
  expect(answer.status).toBe(200);
  await h.settle();
  const [run] = await h.runs();
  expect(run?.status).toBe('awaiting_approval');
  return run?.runId ?? '';
}

describe('Slack app over HTTP', () => {
  describe('when /ir run starts a run', () => {
    it('acknowledges with the run id and the simulated account, ephemerally', async () => {
      const answer = await command('UREQ', 'run contain-test target=web-1');

      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
      expect(answer.json?.text).toMatch(
        /Starting \*contain-test\* as `run-[0-9a-f]{12}` on the SIMULATED account/,
      );
    });

    it('posts one message and updates it in place through each step', async () => {
      const runId = await startWaitingRun();

      const posts = h.slack
        .accepted('chat.postMessage')
        .filter((c) => c.args['thread_ts'] === undefined);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.args['channel']).toBe('CINCIDENT');
      const ts = h.slack.accepted('chat.postMessage')[0]?.args;
      expect(ts).toBeDefined();
      const updates = h.slack.accepted('chat.update');
      expect(updates.length).toBeGreaterThan(0);
      const last = blocksText(updates.at(-1));
      expect(last).toContain(runId);
      expect(last).toContain('awaiting_approval');
      expect(last).toContain('SIMULATED account');
      expect(last).toContain('Slack command by <@UREQ>');
      expect(last).toContain('phase: contain');
      expect(last).toMatch(/detect \/ `look` succeeded · \d+ ms/);
    });

    it('posts an approval message with the preview, requester, deadline and buttons', async () => {
      const runId = await startWaitingRun();

      const approval = h.slack
        .accepted('chat.postMessage')
        .find((c) => c.args['reply_broadcast'] === 'true');
      const text = blocksText(approval);
      expect(approval?.args['thread_ts']).toBeDefined();
      expect(text).toContain('What will change');
      expect(text).toContain('isolating web-1');
      expect(text).toContain('Asked by <@UREQ>');
      expect(text).toContain('<!date^');
      expect(text).toContain('firebreak_approve');
      expect(text).toContain('firebreak_deny');
      expect(text).toContain(runId);
    });

    it('resumes the run when an allowed user approves, and audits the decision', async () => {
      const runId = await startWaitingRun();

      const answer = await click('ULEAD', 'firebreak_approve', runId, 'isolate');
      await h.settle();

      expect(answer.status).toBe(200);
      expect((await h.driver.getRun(runId))?.status).toBe('succeeded');
      const decided = h.audit.records.find((r) => r.type === 'approval.decided');
      expect(decided).toMatchObject({ actor: 'ULEAD', runId, stepId: 'isolate' });
      expect(blocksText(h.slack.accepted('chat.update').at(-1))).toContain('succeeded');
      const approvalUpdate = h.slack
        .accepted('chat.update')
        .find((c) => blocksText(c).includes('Approved by <@ULEAD>'));
      expect(approvalUpdate).toBeDefined();
      const replies = h.slack.accepted('chat.postMessage').map((c) => String(c.args['text']));
      expect(replies.some((t) => t.includes('*Summary*') && t.includes('succeeded'))).toBe(true);
    });
  });

  describe('when a click is not allowed', () => {
    it('refuses the requester approving their own run', async () => {
      const runId = await startWaitingRun();

      await click('UREQ', 'firebreak_approve', runId, 'isolate');
      await h.settle();

      expect((await h.driver.getRun(runId))?.status).toBe('awaiting_approval');
      expect(ephemeralsTo('UREQ').join()).toContain('You asked for this run');
      const refused = h.audit.records.find((r) => r.type === 'approval.refused');
      expect(refused).toMatchObject({ actor: 'UREQ', data: { code: 'APPROVAL_SELF' } });
    });

    it('refuses a user the role map does not know', async () => {
      const runId = await startWaitingRun();

      await click('UNOBODY', 'firebreak_approve', runId, 'isolate');
      await h.settle();

      expect((await h.driver.getRun(runId))?.status).toBe('awaiting_approval');
      expect(ephemeralsTo('UNOBODY').join()).toContain('not in firebreak’s role map');
      const refused = h.audit.records.find((r) => r.type === 'approval.refused');
      expect(refused).toMatchObject({
        actor: 'UNOBODY',
        data: { code: 'USER_UNKNOWN', source: 'slack' },
      });
    });

    it('refuses a responder without the approving role', async () => {
      await h.driver.startRun({
        runbookId: 'contain-test',
        inputs: { target: 'x' },
        requester: 'ULEAD',
        trigger: { source: 'cli' },
      });
      await h.settle();
      const [run] = await h.runs();

      await click('UREQ', 'firebreak_approve', run?.runId ?? '', 'isolate');
      await h.settle();

      expect(ephemeralsTo('UREQ').join()).toContain('none of the roles');
      expect(h.audit.records.find((r) => r.type === 'approval.refused')?.data).toMatchObject({
        code: 'APPROVAL_ROLE_MISSING',
      });
    });

    it('refuses a click after the deadline and shows the denial on the message', async () => {
      const runId = await startWaitingRun();

      h.clock.advanceTo(h.clock.now() + 16 * 60_000);
      await h.settle();
      const postedBefore = h.slack.accepted('chat.postMessage').length;
      await click('ULEAD', 'firebreak_approve', runId, 'isolate');
      await h.settle();

      expect((await h.driver.getRun(runId))?.status).toBe('denied');
      // The refused click posts nothing to the run's thread again.
      expect(h.slack.accepted('chat.postMessage')).toHaveLength(postedBefore);
      expect(ephemeralsTo('ULEAD').join()).toContain('no longer waiting');
      const approvalUpdate = h.slack
        .accepted('chat.update')
        .find((c) => blocksText(c).includes('deadline passed'));
      expect(approvalUpdate).toBeDefined();
      expect(h.audit.records.filter((r) => r.type === 'approval.refused').at(-1)).toMatchObject({
        actor: 'ULEAD',
        data: { code: 'RUN_FINISHED' },
      });
    });

    it('counts a double click once', async () => {
      await command('UREQ', 'run two-key');
      await h.settle();
      const [run] = await h.runs();
      const runId = run?.runId ?? '';

      await click('ULEAD', 'firebreak_approve', runId, 'gate');
      await click('ULEAD', 'firebreak_approve', runId, 'gate');
      await h.settle();

      expect((await h.driver.getRun(runId))?.status).toBe('awaiting_approval');
      expect(ephemeralsTo('ULEAD').join()).toContain('a second click counts once');
      expect(h.audit.records.find((r) => r.type === 'approval.refused')?.data).toMatchObject({
        code: 'APPROVAL_DUPLICATE',
      });

      await click('ULEAD2', 'firebreak_approve', runId, 'gate');
      await h.settle();
      expect((await h.driver.getRun(runId))?.status).toBe('succeeded');
    });
  });

  describe('when Deny is clicked', () => {
    it('asks for a reason in a modal and denies the run with it', async () => {
      const runId = await startWaitingRun();

      await click('ULEAD', 'firebreak_deny', runId, 'isolate');
      await h.settle();
      const open = h.slack.accepted('views.open')[0];
      const view = open?.args['view'] as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe('firebreak_deny_reason');

      const body = toDenySubmissionBody({
        userId: 'ULEAD',
        metadata: view.private_metadata,
        reason: 'wrong host',
      });
      const answer = await postSlack(h.slackUrl, body, {
        secret: TEST_SIGNING_SECRET,
        timestampS: h.nowS(),
      });
      await h.settle();

      expect(answer.status).toBe(200);
      const run = await h.driver.getRun(runId);
      expect(run?.status).toBe('denied');
      expect(run?.steps.find((s) => s.id === 'isolate')?.approval?.decisions[0]).toMatchObject({
        by: 'ULEAD',
        reason: 'wrong host',
      });
      expect(
        h.slack
          .accepted('chat.update')
          .some((c) => blocksText(c).includes('Denied by <@ULEAD>: wrong host')),
      ).toBe(true);
    });
  });

  describe('when Slack retries a command', () => {
    it('starts no second run', async () => {
      await command('UREQ', 'run contain-test target=web-1', { triggerId: 'same-trigger' });
      const retry = await command('UREQ', 'run contain-test target=web-1', {
        triggerId: 'same-trigger',
        retryNum: 1,
      });
      await h.settle();

      expect(retry.status).toBe(200);
      expect(await h.runs()).toHaveLength(1);
      const runMessages = h.slack
        .accepted('chat.postMessage')
        .filter((c) => c.args['thread_ts'] === undefined);
      expect(runMessages).toHaveLength(1);
      // Caught by the dedupe key, not by the driver refusing a second run with the same id.
      expect(h.slack.accepted('chat.postEphemeral')).toHaveLength(0);
    });
  });

  describe('when Slack answers 429', () => {
    it('holds the next update for Retry-After and loses none', async () => {
      h.slack.rateLimitNext('chat.update', 2);
      const runId = await startWaitingRun();
      const limitedAt = h.slack.calls.findIndex((c) => c.status === 429);
      expect(limitedAt).toBeGreaterThanOrEqual(0);
      const callsWhenLimited = h.slack.calls.length;

      await click('ULEAD', 'firebreak_approve', runId, 'isolate');
      await h.settle();
      expect(
        h.slack.calls.slice(callsWhenLimited).filter((c) => c.method.startsWith('chat.')),
      ).toHaveLength(0);

      h.clock.advanceTo(h.clock.now() + 1999);
      await h.settle();
      expect(
        h.slack.calls.slice(callsWhenLimited).filter((c) => c.method.startsWith('chat.')),
      ).toHaveLength(0);

      h.clock.advanceTo(h.clock.now() + 1);
      await h.settle();
      expect(blocksText(h.slack.accepted('chat.update').at(-1))).toContain('succeeded');
      const replies = h.slack
        .accepted('chat.postMessage')
        .map((c) => String(c.args['text']))
        .join('\n');
      for (const step of ['look', 'isolate', 'record']) expect(replies).toContain(`\`${step}\``);
      expect(replies).toContain('*Summary*');
    });
  });
});
