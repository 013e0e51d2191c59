import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDedupeStore, createSnsRoute } from '../../src/triggers/index.js';
import { TEST_TOPIC_ARN, createTestSigner, toAlarmMessage } from '../triggers/signed-alarms.js';
import type { AlarmChange, TestSigner } from '../triggers/signed-alarms.js';
import { cpuAlarmRunbook } from '../triggers/trigger-runbooks.js';
import { startChatOpsHarness } from './helpers/chatops-harness.js';
import type { ChatOpsHarness } from './helpers/chatops-harness.js';

let signer: TestSigner;
let h: ChatOpsHarness;

beforeAll(() => {
  signer = createTestSigner();
});

afterEach(async () => {
  await h.close();
});

/** The harness's Slack and driver behind `POST /sns`, wired as `firebreak serve` wires them. */
async function startWithSns(options: { minUpdateIntervalMs?: number } = {}) {
  h = await startChatOpsHarness({
    defaultChannel: 'CALERTS',
    runbookFiles: { 'cpu-alarm.yaml': cpuAlarmRunbook() },
    ...options,
  });
  const route = createSnsRoute({
    allowedTopicArns: [TEST_TOPIC_ARN],
    runbooks: h.catalog.list(),
    startRun: (request) => h.driver.startRun(request),
    audit: h.audit,
    store: new MemoryDedupeStore({ clock: h.clock }),
    fetchCertificate: signer.fetchCertificate,
    confirmSubscription: async () => undefined,
    clock: h.clock,
    onNote: (note) => h.server.chatops?.noteTrigger(note),
  });
  const deliver = async (change: AlarmChange = {}) => {
    const body = signer.sign(toAlarmMessage(change), randomUUID());
    const answer = await route({ body, headers: {} });
    expect(answer.status).toBe(200);
  };
  return { deliver };
}

describe("SNS notes in the run's Slack thread", () => {
  it('posts the alarm going back to OK in the thread of the run it started', async () => {
    const sns = await startWithSns();
    await sns.deliver({ newState: 'ALARM', oldState: 'OK' });
    await h.settle();
    const before = h.slack.accepted('chat.postMessage').length;
    const thread = h.slack.accepted('chat.postMessage').find((c) => c.args['thread_ts']);
    expect(String(thread?.args['text'])).toContain('`record`');

    await sns.deliver({ newState: 'OK', oldState: 'ALARM' });
    await h.settle();

    expect(await h.runs()).toHaveLength(1);
    const posts = h.slack.accepted('chat.postMessage').slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args['channel']).toBe('CALERTS');
    expect(posts[0]?.args['thread_ts']).toBe(thread?.args['thread_ts']);
    expect(String(posts[0]?.args['text'])).toContain(
      'The alarm that started this run changed: alarm EC2-CPU ALARM -&gt; OK',
    );
  });

  it('reads the newest state last when an alarm flaps behind 429s', async () => {
    const sns = await startWithSns();
    await sns.deliver({ newState: 'ALARM', oldState: 'OK' });
    await h.settle();
    const before = h.slack.accepted('chat.postMessage').length;

    // Held by a 429, then by a second 429 on the retry, while the alarm flaps.
    h.slack.rateLimitNext('chat.postMessage', 30);
    h.slack.rateLimitNext('chat.postMessage', 30);
    await sns.deliver({ newState: 'OK', oldState: 'ALARM' });
    await h.settle();
    h.clock.advanceTo(h.clock.now() + 31_000);
    await sns.deliver({ newState: 'ALARM', oldState: 'OK' });
    await h.settle();
    await sns.deliver({ newState: 'OK', oldState: 'ALARM' });
    await h.settle();
    h.clock.advanceTo(h.clock.now() + 31_000);
    await h.settle();

    const lines = h.slack
      .accepted('chat.postMessage')
      .slice(before)
      .flatMap((c) => String(c.args['text']).split('\n'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('ALARM');
    expect(lines.at(-1)).toContain('ALARM -&gt; OK (and 1 earlier like it)');
  });

  it('merges a storm of repeats held back by a 429 into one line that counts them', async () => {
    const sns = await startWithSns();
    await sns.deliver();
    await h.settle();
    const before = h.slack.accepted('chat.postMessage').length;

    h.slack.rateLimitNext('chat.postMessage', 30);
    await sns.deliver();
    await h.settle();
    for (let i = 0; i < 5; i++) await sns.deliver();
    await h.settle();
    h.clock.advanceTo(h.clock.now() + 31_000);
    await h.settle();

    const posts = h.slack.accepted('chat.postMessage').slice(before);
    expect(await h.runs()).toHaveLength(1);
    expect(posts.map((c) => String(c.args['text']))).toEqual([
      expect.stringMatching(
        /^:repeat: Another message for this incident .*\(and 5 earlier like it\)$/,
      ),
    ]);
  });
});
