import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedAccountState } from '../../src/aws/index.js';
import type { RunState } from '../../src/engine/index.js';
import type { RecordedCall } from './helpers/fake-slack-api.js';
import { startChatOpsHarness, TEST_SIGNING_SECRET } from './helpers/chatops-harness.js';
import type { ChatOpsHarness } from './helpers/chatops-harness.js';
import { postSlack, toButtonClickBody, toSlashCommandBody } from './helpers/slack-requests.js';

const RUNBOOK = 'ec2-compromised-instance';
const INSTANCE = 'i-0123456789abcdef0';
const ENI = 'eni-0123456789abcdef0';
/** The isolation of the shipped instance, as Slack text (`>` arrives escaped). */
const ISOLATION = `${ENI}: sg-0123456789abcdef0, sg-0fedcba9876543210 -&gt; firebreak-quarantine (new group)`;

let h: ChatOpsHarness;
let seq = 0;

beforeEach(async () => {
  h = await startChatOpsHarness({ simulatedAccount: true });
});
afterEach(async () => {
  await h.close();
});

/** Sends a signed slash command whose later answers go to the fake's response_url `id`. */
async function command(userId: string, text: string, id = `cmd-${++seq}`) {
  const responseUrl = h.slack.responseUrl(id);
  const body = toSlashCommandBody({ userId, text, triggerId: id, responseUrl });
  const answer = await postSlack(h.slackUrl, body, {
    secret: TEST_SIGNING_SECRET,
    timestampS: h.nowS(),
  });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
  await h.settle();
  return { ack: answer.json?.text ?? '', later: h.slack.responses(id) };
}

async function click(userId: string, runId: string, stepId: string) {
  const value = JSON.stringify({ runId, stepId });
  const body = toButtonClickBody({ userId, actionId: 'firebreak_approve', value });
  await postSlack(h.slackUrl, body, { secret: TEST_SIGNING_SECRET, timestampS: h.nowS() });
  await h.settle();
}

function textOf(call: RecordedCall | undefined): string {
  return JSON.stringify(call?.args['blocks'] ?? call?.args['text'] ?? '');
}

function ephemeralsTo(userId: string): string[] {
  return h.slack
    .accepted('chat.postEphemeral')
    .filter((c) => c.args['user'] === userId)
    .map((c) => String(c.args['text']));
}

function runIdIn(text: string, after: string): string {
  return new RegExp(`${after} \`(run-[0-9a-f]+)\``).exec(text)?.[1] ?? '';
}

/** The account without what firebreak keeps on purpose: evidence, its groups, and flows. */
function comparable(state: SimulatedAccountState) {
  return {
    ...state,
    snapshots: [],
    publishedMessages: [],
    securityGroups: state.securityGroups.filter((g) => !g.groupName.startsWith('firebreak-')),
    networkInterfaces: state.networkInterfaces.map((n) => ({ ...n, connections: [] })),
  };
}

/** Runs the shipped runbook from Slack to the end, isolate approved by an IR lead. */
async function isolateFromSlack(): Promise<RunState> {
  const { ack } = await command('UREQ', `run ${RUNBOOK} instanceId=${INSTANCE}`);
  const runId = runIdIn(ack, 'as');
  await click('ULEAD', runId, 'isolate');
  const run = await h.driver.getRun(runId);
  expect(run?.status).toBe('succeeded');
  return run as RunState;
}

describe('/ir plan', () => {
  it('acknowledges at once, then answers with the changes and the hash, only to the user', async () => {
    const before = h.account?.snapshot();

    const { ack, later } = await command('UREQ', `plan ${RUNBOOK} instanceId=${INSTANCE}`);

    expect(ack).toContain(`Planning *${RUNBOOK}* from live state on the SIMULATED account`);
    expect(later).toHaveLength(1);
    expect(later[0]?.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const text = String(later[0]?.args['text']);
    expect(text).toContain(`• \`isolate\` (contain, aws.ec2.isolateInstance) would change:`);
    expect(text).toContain(`\`${ISOLATION}\``);
    expect(text).toMatch(/\*Plan hash\* `sha256:[0-9a-f]{64}`/);
    expect(text).toContain('`describe` read live state');
    expect(h.account?.snapshot()).toEqual(before);
    expect(await h.runs()).toEqual([]);
  });

  it('gives the same hash for the same live state', async () => {
    const hashOf = (call: RecordedCall | undefined) =>
      /sha256:[0-9a-f]{64}/.exec(String(call?.args['text']))?.[0];

    const first = await command('UREQ', `plan ${RUNBOOK} instanceId=${INSTANCE}`);
    const second = await command('ULEAD', `plan ${RUNBOOK} instanceId=${INSTANCE}`);

    expect(hashOf(first.later[0])).toBeDefined();
    expect(hashOf(second.later[0])).toBe(hashOf(first.later[0]));
  });

  it('lists the steps that could not be planned, with the reason', async () => {
    const { later } = await command('UREQ', `plan tag-quarantine instanceId=${INSTANCE}`);

    const text = String(later[0]?.args['text']);
    expect(text).toContain(`\`${ISOLATION}\``);
    expect(text).toContain(
      '*Could not be planned*\n• `tag-group` (contain, aws.ec2.tagResource): ',
    );
    expect(text).toContain('outputs of isolate are not known before the run');
  });

  it('says so when no step would change anything', async () => {
    const { later } = await command('UREQ', 'plan contain-test target=web-1');

    const text = String(later[0]?.args['text']);
    expect(text).toContain('_No step would change anything._');
    expect(text).toContain('`look` not run by a plan');
    expect(text).not.toContain('*Could not be planned*');
  });

  it('answers a Slack retry of the same command once', async () => {
    await command('UREQ', `plan ${RUNBOOK} instanceId=${INSTANCE}`, 'cmd-retried');
    const body = toSlashCommandBody({
      userId: 'UREQ',
      text: `plan ${RUNBOOK} instanceId=${INSTANCE}`,
      triggerId: 'cmd-retried',
      responseUrl: h.slack.responseUrl('cmd-retried'),
    });
    await postSlack(h.slackUrl, body, {
      secret: TEST_SIGNING_SECRET,
      timestampS: h.nowS(),
      retryNum: 1,
    });
    await h.settle();

    expect(h.slack.responses('cmd-retried')).toHaveLength(1);
  });

  it('refuses a user without a run role of the runbook, and audits it', async () => {
    const { ack, later } = await command('UNOBODY', `plan ${RUNBOOK} instanceId=${INSTANCE}`);

    expect(ack).toContain(`You need one of these roles to plan ${RUNBOOK}: responder, ir-lead`);
    expect(later).toEqual([]);
    const refused = h.audit.records.find((r) => r.type === 'request.refused');
    expect(refused).toMatchObject({ actor: 'UNOBODY', data: { code: 'RUN_NOT_ALLOWED' } });
  });

  it('answers a missing input with the plan usage, before planning', async () => {
    const { ack, later } = await command('UREQ', `plan ${RUNBOOK}`);

    expect(ack).toContain('instanceId');
    expect(ack).toContain(`\`/ir plan ${RUNBOOK} instanceId=…`);
    expect(later).toEqual([]);
  });
});

describe('approval messages of a planned step', () => {
  it("show the plan's changes and its short hash", async () => {
    const { ack } = await command('UREQ', `run ${RUNBOOK} instanceId=${INSTANCE}`);
    const runId = runIdIn(ack, 'as');

    const approval = h.slack
      .accepted('chat.postMessage')
      .find((c) => c.args['reply_broadcast'] === 'true' && textOf(c).includes(runId));
    const text = textOf(approval);
    expect(text).toMatch(/What will change\* \(plan `sha256:[0-9a-f]{12}`\)/);
    expect(text).toContain(ISOLATION);
    expect(text).toContain('`aws.ec2.isolateInstance` with');
  });
});

describe('/ir undo', () => {
  it('starts an undo run that waits for approval and restores the account once approved', async () => {
    const before = h.account?.snapshot() as SimulatedAccountState;
    const run = await isolateFromSlack();
    expect(comparable(h.account?.snapshot() as SimulatedAccountState)).not.toEqual(
      comparable(before),
    );

    const { ack } = await command('UREQ', `undo ${run.runId}`);
    const undoRunId = runIdIn(ack, 'as');
    const waiting = await h.driver.getRun(undoRunId);

    expect(ack).toContain(`Starting the undo of \`${run.runId}\``);
    expect(ack).toContain('`undo-isolate` reverses `isolate`');
    expect(waiting).toMatchObject({
      runbookId: `undo-${run.runId}`,
      requester: 'UREQ',
      trigger: { source: 'slack' },
      status: 'awaiting_approval',
    });
    const posts = h.slack.accepted('chat.postMessage').filter((c) => textOf(c).includes(undoRunId));
    expect(posts.some((c) => c.args['thread_ts'] === undefined)).toBe(true);
    expect(posts.some((c) => textOf(c).includes('firebreak_approve'))).toBe(true);

    await click('UREQ', undoRunId, 'undo-isolate');
    expect((await h.driver.getRun(undoRunId))?.status).toBe('awaiting_approval');
    expect(ephemeralsTo('UREQ').at(-1)).toContain('You asked for this run');

    await click('ULEAD', undoRunId, 'undo-isolate');
    expect((await h.driver.getRun(undoRunId))?.status).toBe('succeeded');
    expect(comparable(h.account?.snapshot() as SimulatedAccountState)).toEqual(comparable(before));
    const decided = h.audit.records.find(
      (r) => r.type === 'approval.decided' && r.runId === undoRunId,
    );
    expect(decided).toMatchObject({ actor: 'ULEAD', stepId: 'undo-isolate' });
  });

  it('undoes one step when asked, and refuses to reverse it again once that undo finished', async () => {
    const run = await isolateFromSlack();
    const first = await command('UREQ', `undo ${run.runId} isolate`);
    const firstUndo = runIdIn(first.ack, 'as');
    await click('ULEAD', firstUndo, 'undo-isolate');
    expect((await h.driver.getRun(firstUndo))?.status).toBe('succeeded');
    const runsBefore = (await h.driver.listRuns()).length;

    const sameStep = await command('UREQ', `undo ${run.runId} isolate`);
    const wholeRun = await command('UREQ', `undo ${run.runId}`);

    expect(sameStep.ack).toContain(
      `step isolate of run ${run.runId} was already undone by ${firstUndo}`,
    );
    expect(wholeRun.ack).toContain(
      `every change of run ${run.runId} was already undone by ${firstUndo}`,
    );
    expect(await h.driver.listRuns()).toHaveLength(runsBefore);
    expect((await command('UREQ', 'list')).ack).not.toContain('undo-');
  });

  it('starts one undo run when Slack retries the command', async () => {
    const run = await isolateFromSlack();
    const text = `undo ${run.runId}`;
    const first = await command('UREQ', text, 'undo-retried');
    const body = toSlashCommandBody({ userId: 'UREQ', text, triggerId: 'undo-retried' });

    const retry = await postSlack(h.slackUrl, body, {
      secret: TEST_SIGNING_SECRET,
      timestampS: h.nowS(),
      retryNum: 1,
    });
    await h.settle();

    const undoRunId = runIdIn(first.ack, 'as');
    expect(retry.json?.text).toContain(`\`${undoRunId}\` is undoing ${run.runId}`);
    const undoRuns = (await h.runs()).filter((r) => r.runbookId.startsWith('undo-'));
    expect(undoRuns.map((r) => r.runId)).toEqual([undoRunId]);
  });

  it('refuses a run that is unknown', async () => {
    const { ack } = await command('UREQ', 'undo run-nope');

    expect(ack).toContain('There is no run "run-nope" to undo');
    expect(ack).toContain('`/ir status`');
  });

  it('refuses a run that has not finished', async () => {
    const started = await command('UREQ', `run ${RUNBOOK} instanceId=${INSTANCE}`);
    const runId = runIdIn(started.ack, 'as');

    const { ack } = await command('UREQ', `undo ${runId}`);

    expect(ack).toContain(`run ${runId} is awaiting_approval; undo it once it has finished`);
    expect((await h.runs()).map((r) => r.runId)).toEqual([runId]);
  });

  it('refuses a run that changed nothing that can be undone', async () => {
    const started = await command('UREQ', 'run contain-test target=web-1');
    const runId = runIdIn(started.ack, 'as');
    await click('ULEAD', runId, 'isolate');

    const { ack } = await command('UREQ', `undo ${runId}`);

    expect(ack).toContain(`run ${runId} changed nothing that can be undone`);
  });

  it('refuses a step that has nothing to undo', async () => {
    const run = await isolateFromSlack();

    const { ack } = await command('UREQ', `undo ${run.runId} describe`);

    expect(ack).toContain(`step describe of run ${run.runId}`);
    expect(ack).toContain('has nothing to undo');
  });

  it('refuses a second undo while one is in flight', async () => {
    const run = await isolateFromSlack();
    const first = await command('UREQ', `undo ${run.runId}`);

    const { ack } = await command('ULEAD', `undo ${run.runId}`);

    expect(ack).toContain(`\`${runIdIn(first.ack, 'as')}\` is already undoing ${run.runId}`);
  });

  it('refuses a user without a run role, and audits it', async () => {
    const run = await isolateFromSlack();

    const { ack } = await command('UNOBODY', `undo ${run.runId}`);

    expect(ack).toContain(`You need one of these roles to undo ${run.runId}: responder, ir-lead`);
    const refused = h.audit.records.find((r) => r.type === 'request.refused');
    expect(refused).toMatchObject({ actor: 'UNOBODY', runId: run.runId });
  });
});
