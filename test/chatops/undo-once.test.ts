import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/engine/index.js';
import { startChatOpsHarness, TEST_SIGNING_SECRET } from './helpers/chatops-harness.js';
import type { ChatOpsHarness } from './helpers/chatops-harness.js';
import { postSlack, toButtonClickBody, toSlashCommandBody } from './helpers/slack-requests.js';

const RUNBOOK = 'ec2-compromised-instance';
const INSTANCE = 'i-0123456789abcdef0';

let h: ChatOpsHarness;
let seq = 0;

beforeEach(async () => {
  h = await startChatOpsHarness({ simulatedAccount: true });
});
afterEach(async () => {
  await h.close();
});

function send(userId: string, text: string) {
  const id = `race-${++seq}`;
  const body = toSlashCommandBody({
    userId,
    text,
    triggerId: id,
    responseUrl: h.slack.responseUrl(id),
  });
  return postSlack(h.slackUrl, body, { secret: TEST_SIGNING_SECRET, timestampS: h.nowS() });
}

function runIdIn(text: string): string {
  return /as `(run-[0-9a-f]+)`/.exec(text)?.[1] ?? '';
}

describe('/ir undo typed twice at once', () => {
  it('starts one undo of a run when two responders ask within the same moment', async () => {
    const started = await send('UREQ', `run ${RUNBOOK} instanceId=${INSTANCE}`);
    await h.settle();
    const runId = runIdIn(String(started.json?.text));
    const value = JSON.stringify({ runId, stepId: 'isolate' });
    const click = toButtonClickBody({ userId: 'ULEAD', actionId: 'firebreak_approve', value });
    await postSlack(h.slackUrl, click, { secret: TEST_SIGNING_SECRET, timestampS: h.nowS() });
    await h.settle();
    expect(((await h.driver.getRun(runId)) as RunState).status).toBe('succeeded');

    // Two people (or one double submit) ask for the undo before either has started.
    await Promise.all([send('UREQ', `undo ${runId}`), send('ULEAD', `undo ${runId}`)]);
    await h.settle();

    const undos = (await h.runs()).filter((r) => r.runbookId === `undo-${runId}`);
    expect(undos.map((r) => r.status)).toHaveLength(1);
  });
});
