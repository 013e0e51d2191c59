import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatOpsHarness, TEST_SIGNING_SECRET } from './helpers/chatops-harness.js';
import type { ChatOpsHarness } from './helpers/chatops-harness.js';
import { postSlack, toSlashCommandBody } from './helpers/slack-requests.js';

let h: ChatOpsHarness;
let seq = 0;
beforeAll(async () => {
  h = await startChatOpsHarness();
});
afterAll(async () => {
  await h.close();
});

async function reply(userId: string, text: string): Promise<string> {
  const body = toSlashCommandBody({ userId, text, triggerId: `cmd-${++seq}` });
  const answer = await postSlack(h.slackUrl, body, {
    secret: TEST_SIGNING_SECRET,
    timestampS: h.nowS(),
  });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
  await h.settle();
  return answer.json?.text ?? '';
}

describe('/ir', () => {
  it('answers help with every subcommand', async () => {
    const text = await reply('UREQ', 'help');
    for (const sub of ['run', 'plan', 'list', 'status', 'abort', 'undo'])
      expect(text).toContain(`/ir ${sub}`);
  });

  it('lists runbooks with their inputs and shortcuts', async () => {
    const text = await reply('UREQ', 'list');
    expect(text).toContain('`/ir run contain-test target=…`');
    expect(text).toContain('`/ir contain`');
  });

  describe('when the server has no actions and AWS clients for plan and undo', () => {
    it('says plan is not set up here and points to the CLI', async () => {
      const text = await reply('UREQ', 'plan contain-test target=a');
      expect(text).toContain('`/ir plan` is not set up on this server');
      expect(text).toContain('`firebreak plan`');
    });

    it('says undo is not set up here and points to the CLI', async () => {
      const text = await reply('UREQ', 'undo run-1');
      expect(text).toContain('`/ir undo` is not set up on this server');
      expect(text).toContain('`firebreak undo`');
    });
  });

  it('answers undo with more than one step with the usage', async () => {
    expect(await reply('UREQ', 'undo run-1 a b')).toContain(
      'undo takes one run and at most one step. Type `/ir undo &lt;run&gt; [step]`',
    );
  });

  it('answers an unknown runbook with the known ones and what to type', async () => {
    const text = await reply('UREQ', 'run nope');
    expect(text).toContain('There is no runbook "nope" (known: contain-test, two-key)');
    expect(text).toContain('`/ir list`');
  });

  it('answers a missing input with the usage', async () => {
    const text = await reply('UREQ', 'run contain-test');
    expect(text).toContain('target');
    expect(text).toContain('`/ir run contain-test target=…`');
  });

  it('answers words that are not key=value with the usage', async () => {
    expect(await reply('UREQ', 'run contain-test web-1')).toContain('"web-1" is not key=value');
  });

  it('refuses a run by a user without a run role, and audits it', async () => {
    const text = await reply('UNOBODY', 'run contain-test target=a');
    expect(text).toContain('You need one of these roles to run contain-test: responder, ir-lead');
    const refused = h.audit.records.find(
      (r) => r.type === 'request.refused' && r.actor === 'UNOBODY',
    );
    expect(refused?.data).toMatchObject({ code: 'RUN_NOT_ALLOWED', source: 'slack' });
  });

  it('starts a runbook through its shortcut, with quoted values', async () => {
    const text = await reply('UREQ', 'contain target="web 2"');
    const runId = /`(run-[0-9a-f]+)`/.exec(text)?.[1] ?? '';
    expect((await h.driver.getRun(runId))?.inputs).toMatchObject({ target: 'web 2' });
  });

  it('shows runs in flight and one run in detail', async () => {
    const [run] = (await h.runs()).filter((r) => r.status === 'awaiting_approval');
    expect(await reply('UREQ', 'status')).toContain(
      `\`${run?.runId}\` contain-test *awaiting_approval*`,
    );
    const detail = await reply('UREQ', `status ${run?.runId}`);
    expect(detail).toContain('contain / `isolate` awaiting_approval');
    expect(detail).toContain('SIMULATED account');
  });

  it('refuses an abort by someone who may not, and aborts for the requester', async () => {
    const [run] = (await h.runs()).filter((r) => r.status === 'awaiting_approval');
    const runId = run?.runId ?? '';
    expect(await reply('UNOBODY', `abort ${runId} because`)).toContain('Only the requester');

    expect(await reply('UREQ', `abort ${runId} wrong host`)).toContain(`Aborting \`${runId}\``);
    expect((await h.driver.getRun(runId))?.abort).toMatchObject({
      by: 'UREQ',
      reason: 'wrong host',
    });
  });

  it('asks for a reason when abort has none', async () => {
    expect(await reply('UREQ', 'abort run-1')).toContain(
      'The reason is missing. Type `/ir abort &lt;run&gt; &lt;reason&gt;`',
    );
  });
});
