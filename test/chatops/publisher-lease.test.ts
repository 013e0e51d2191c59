import { describe, expect, it } from 'vitest';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import type { AwsClients } from '../../src/aws/index.js';
import { MemoryKeyValueStore, RunMessagePublisher } from '../../src/chatops/index.js';
import type { SlackChatClient } from '../../src/chatops/index.js';
import type { RunState } from '../../src/engine/index.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { RunbookCatalog, parseRunbook } from '../../src/runbook/index.js';
import { createSequentialIds, createSilentLogger, VirtualClock } from '../../src/shared/index.js';

const GATED = `name: gated
title: A note, an approval, a note
severity: high
inputs: {}
permissions: { run: [responder], approve: [ir-lead] }
phases:
  detect:
    - { id: look, action: note, with: { text: look } }
  contain:
    - id: cut
      action: note
      with: { text: cut }
      approval: { roles: [ir-lead], deadline: 1h }
  recover:
    - { id: tell, action: note, with: { text: told } }
`;

interface Call {
  server: string;
  method: string;
  args: Record<string, unknown>;
  /** What Slack answered: the posted message's ts. */
  ts: string;
}

/** One Slack workspace seen by every server: message timestamps are unique across them. */
function createSlack() {
  const calls: Call[] = [];
  let seq = 0;
  /** Seconds of Retry-After for the next call of each server, once. */
  const rateLimitNext = new Map<string, number>();
  const clientFor = (server: string): SlackChatClient => {
    const record = (method: string) => async (args: Record<string, unknown>) => {
      const retryAfter = rateLimitNext.get(server);
      if (retryAfter !== undefined) {
        rateLimitNext.delete(server);
        const code = 'slack_webapi_rate_limited_error';
        throw Object.assign(new Error('rate limited'), { code, retryAfter });
      }
      const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
      calls.push({ server, method, args, ts });
      return { ok: true, ts };
    };
    return { chat: { postMessage: record('postMessage'), update: record('update') } } as never;
  };
  const runMessages = () =>
    calls.filter((c) => c.method === 'postMessage' && c.args['thread_ts'] === undefined);
  const approvals = () =>
    calls.filter((c) => c.method === 'postMessage' && c.args['reply_broadcast'] === true);
  const replies = () =>
    calls
      .filter(
        (c) =>
          c.method === 'postMessage' &&
          c.args['thread_ts'] !== undefined &&
          c.args['reply_broadcast'] === undefined,
      )
      // Replies sent together share one message, a line each.
      .flatMap((c) =>
        String(c.args['text'])
          .split('\n')
          .map((line) => `${c.server}: ${line}`),
      );
  return { calls, clientFor, runMessages, approvals, replies, rateLimitNext };
}

function setUp() {
  const clock = new VirtualClock(Date.parse('2026-12-04T10:00:00.000Z'));
  const logger = createSilentLogger();
  const driver = new InProcessDriver({
    catalog: new RunbookCatalog([parseRunbook('gated.yaml', GATED)]),
    actions: new ActionRegistry(coreActions),
    aws: { simulated: true, region: 'us-east-1' } as AwsClients,
    audit: new MemoryAuditLog(clock),
    clock,
    logger,
    createRunId: createSequentialIds('run'),
  });
  // Redis in production: one store every server shares; `down` makes every call fail,
  // `writesDown` every write.
  const memory = new MemoryKeyValueStore(clock);
  const outage = { down: false, writesDown: false };
  const store = new Proxy(memory, {
    get(target, name) {
      const value = Reflect.get(target, name, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        outage.down || (outage.writesDown && name === 'set')
          ? Promise.reject(new Error('Connection is closed.'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  const slack = createSlack();
  const server = (id: string) =>
    new RunMessagePublisher({
      client: slack.clientFor(id),
      store,
      clock,
      logger,
      defaultChannel: 'CINCIDENT',
      minUpdateIntervalMs: 0,
      publisherId: id,
      leaseMs: 30_000,
    });
  return { clock, driver, slack, server, outage };
}

/** Servers A and B following the driver, and a run both have posted what they will of. */
async function twoServersAndARun() {
  const setup = setUp();
  const a = setup.server('A');
  const b = setup.server('B');
  const detachA = a.attach(setup.driver);
  b.attach(setup.driver);
  const { runId } = await start(setup.driver);
  await setup.driver.idle();
  await Promise.all([a.settled(), b.settled()]);
  return { ...setup, a, b, detachA, runId };
}

const start = (driver: InProcessDriver) =>
  driver.startRun({
    runbookId: 'gated',
    inputs: {},
    requester: 'UREQ',
    trigger: { source: 'cli' },
  });

const approve = (driver: InProcessDriver, runId: string) =>
  driver.decide({ runId, stepId: 'cut', by: 'ULEAD', roles: ['ir-lead'], decision: 'approve' });

describe('several servers posting runs to Slack', () => {
  it('posts each run message, approval and reply once, from one server', async () => {
    const { driver, slack, a, b, runId } = await twoServersAndARun();
    await approve(driver, runId);
    await driver.idle();
    await Promise.all([a.settled(), b.settled()]);

    expect((await driver.getRun(runId))?.status).toBe('succeeded');
    expect(slack.runMessages()).toHaveLength(1);
    expect(slack.approvals()).toHaveLength(1);
    const owner = slack.runMessages()[0]?.server;
    expect(new Set(slack.calls.map((c) => c.server))).toEqual(new Set([owner]));
    expect(slack.replies().filter((r) => r.includes('`look`'))).toHaveLength(1);
    expect(slack.replies().filter((r) => r.includes('`tell`'))).toHaveLength(1);
  });

  it('hands a stopped server’s runs to another once its lease lapses, posting only what is missing', async () => {
    const { clock, driver, slack, b, detachA, runId } = await twoServersAndARun();
    expect(slack.runMessages().map((c) => c.server)).toEqual(['A']);
    const messageTs = slack.runMessages()[0]?.ts;

    // A dies without a word (no close): its lease stays until it lapses.
    detachA();
    await approve(driver, runId);
    await driver.idle();
    await b.settled();
    const whileHeld = slack.calls.length;
    expect(slack.calls.filter((c) => c.server === 'B')).toEqual([]);

    clock.advanceTo(clock.now() + 31_000);
    await b.settled();

    const byB = slack.calls.slice(whileHeld);
    expect(byB.every((c) => c.server === 'B')).toBe(true);
    // No second run message or approval: A's are updated in place, the buttons taken away.
    expect(slack.runMessages()).toHaveLength(1);
    expect(slack.approvals()).toHaveLength(1);
    const approvalTs = slack.approvals()[0]?.ts;
    const approvalUpdate = byB.find((c) => c.method === 'update' && c.args['ts'] === approvalTs);
    expect(JSON.stringify(approvalUpdate?.args)).not.toContain('"actions"');
    expect(JSON.stringify(slack.approvals()[0]?.args)).toContain('"actions"');
    expect(byB.filter((c) => c.method === 'update').map((c) => c.args['ts'])).toContain(messageTs);
    // The replies A never posted (cut, tell, the summary) come from B, once; look is not redone.
    const replies = slack.replies();
    expect(replies.filter((r) => r.includes('`look`'))).toEqual([expect.stringMatching(/^A: /)]);
    expect(replies.filter((r) => r.includes('`cut`'))).toEqual([expect.stringMatching(/^B: /)]);
    expect(replies.filter((r) => r.includes('`tell`'))).toEqual([expect.stringMatching(/^B: /)]);
  });

  it('posts a note that reached another server in the owner’s thread, from that server', async () => {
    const { driver, slack, a, b, runId } = await twoServersAndARun();
    const ownerTs = slack.runMessages()[0]?.ts;
    const posted = slack.calls.length;

    const latest = (await driver.getRun(runId)) as RunState;
    const notAtOwner = slack.runMessages()[0]?.server === 'A' ? b : a;
    notAtOwner.note(latest, 'alarm:cpu', 'alarm cpu-high fired again');
    await Promise.all([a.settled(), b.settled()]);

    const after = slack.calls.slice(posted);
    expect(after).toHaveLength(1);
    expect(after[0]?.server).toBe(notAtOwner === a ? 'A' : 'B');
    expect(after[0]?.args).toMatchObject({
      text: 'alarm cpu-high fired again',
      thread_ts: ownerTs,
    });
  });

  it('keeps posting once the store is back after an outage, without an unhandled error', async () => {
    const { clock, driver, slack, a, b, runId, outage } = await twoServersAndARun();
    outage.down = true;
    // The lease renewals fail meanwhile.
    clock.advanceTo(clock.now() + 11_000);
    await Promise.all([a.idle(), b.idle()]);
    outage.down = false;
    await approve(driver, runId);
    await driver.idle();
    clock.advanceTo(clock.now() + 6_000);
    await Promise.all([a.idle(), b.idle()]);

    expect((await driver.getRun(runId))?.status).toBe('succeeded');
    expect(slack.runMessages()).toHaveLength(1);
    expect(slack.replies().filter((r) => r.includes('`cut`'))).toHaveLength(1);
  });

  it('stores what it posted during a short store outage before letting the run go', async () => {
    const { clock, driver, slack, a, b, runId, outage } = await twoServersAndARun();
    const owner = slack.runMessages()[0]?.server;
    // The store takes no writes while the owner posts the rest of the run, then comes back.
    outage.writesDown = true;
    await approve(driver, runId);
    await driver.idle();
    await Promise.all([a.idle(), b.idle()]);
    // The owner posted what came first, could not store it, and waits for the store.
    const whileDown = slack.calls.length;
    clock.advanceTo(clock.now() + 5_000);
    await Promise.all([a.idle(), b.idle()]);
    expect(slack.calls.length).toBe(whileDown);
    await Promise.all([a.idle(), b.idle()]);
    outage.writesDown = false;
    for (let i = 0; i < 8; i++) {
      clock.advanceTo(clock.now() + 10_000);
      await Promise.all([a.idle(), b.idle()]);
    }

    expect(new Set(slack.calls.map((c) => c.server))).toEqual(new Set([owner]));
    for (const step of ['look', 'cut', 'tell']) {
      expect(slack.replies().filter((r) => r.includes(`\`${step}\``))).toHaveLength(1);
    }
  });

  it('stores what it posted before it lets a run go at a clean stop', async () => {
    const { clock, driver, slack, a, b, detachA, runId, outage } = await twoServersAndARun();
    expect(slack.runMessages()[0]?.server).toBe('A');
    // A posts the approval's replies but cannot store them, then stops while writes fail.
    outage.writesDown = true;
    await approve(driver, runId);
    await driver.idle();
    await Promise.all([a.idle(), b.idle()]);
    detachA();
    await a.close();
    outage.writesDown = false;
    for (let i = 0; i < 5; i++) {
      clock.advanceTo(clock.now() + 10_000);
      await b.idle();
    }

    expect(slack.runMessages()).toHaveLength(1);
    for (const step of ['look', 'cut', 'tell']) {
      expect(slack.replies().filter((r) => r.includes(`\`${step}\``)).length).toBeLessThanOrEqual(
        1,
      );
    }
  });

  it('keeps its runs while Slack holds its calls back, however long', async () => {
    const { clock, driver, slack, a, b, runId } = await twoServersAndARun();
    const owner = slack.runMessages()[0]?.server as string;
    slack.rateLimitNext.set(owner, 120);
    await approve(driver, runId);
    await driver.idle();
    for (let i = 0; i < 13; i++) {
      clock.advanceTo(clock.now() + 10_000);
      await Promise.all([a.idle(), b.idle()]);
    }

    expect(new Set(slack.calls.map((c) => c.server))).toEqual(new Set([owner]));
    expect(slack.replies().filter((r) => r.includes('`cut`'))).toHaveLength(1);
  });

  it('hands its runs to the other server within a third of a lease after a clean stop', async () => {
    const { clock, driver, slack, a, b, detachA, runId } = await twoServersAndARun();
    expect(slack.runMessages()[0]?.server).toBe('A');
    detachA();
    await a.close();
    await approve(driver, runId);
    await driver.idle();
    clock.advanceTo(clock.now() + 10_000);
    await b.settled();

    expect(slack.replies().filter((r) => r.includes('`cut`'))).toEqual([
      expect.stringMatching(/^B: /),
    ]);
  });

  it('lets a restarted server take its runs back at once after a clean stop', async () => {
    const { driver, slack, server } = setUp();
    const first = server('A');
    const detach = first.attach(driver);
    const { runId } = await start(driver);
    await driver.idle();
    await first.settled();
    detach();
    await first.close();

    const restarted = server('A2');
    restarted.attach(driver);
    await approve(driver, runId);
    await driver.idle();
    await restarted.settled();

    expect(slack.runMessages()).toHaveLength(1);
    expect(slack.replies().filter((r) => r.includes('`cut`'))).toEqual([
      expect.stringMatching(/^A2: /),
    ]);
  });
});
