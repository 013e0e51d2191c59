import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { MemoryKeyValueStore } from '../../src/chatops/index.js';
import { RoleMap } from '../../src/config/index.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { RunbookCatalog } from '../../src/runbook/index.js';
import { createFirebreakServer } from '../../src/server/index.js';
import type { FirebreakServer } from '../../src/server/index.js';
import {
  createSequentialIds,
  createSilentLogger,
  createSystemClock,
} from '../../src/shared/index.js';
import { freePort } from '../integration/own-redis-server.js';
import { FakeSlackApi } from './helpers/fake-slack-api.js';
import { toSlashCommandBody } from './helpers/slack-requests.js';

const RUNBOOK = `name: note-only
title: Note only
severity: low
permissions: { run: [responder] }
phases:
  detect:
    - { id: record, action: note, with: { text: "noted" } }
`;

/** Slack's side of a Socket Mode connection: says hello, sends envelopes, collects acks. */
class FakeSocketModeServer {
  readonly acks: Array<{ envelope_id: string; payload?: Record<string, unknown> }> = [];
  private readonly server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  private socket: WebSocket | undefined;
  private connected: Promise<void>;

  constructor() {
    this.connected = new Promise((resolve) => {
      this.server.on('connection', (socket) => {
        this.socket = socket;
        socket.on('message', (data) => this.acks.push(JSON.parse(String(data))));
        socket.send(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            connection_info: { app_id: 'A111' },
          }),
        );
        resolve();
      });
    });
  }

  /** Resolves once the server listens. */
  listening(): Promise<void> {
    if (this.server.address()) return Promise.resolve();
    return new Promise((resolve) => this.server.once('listening', () => resolve()));
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async send(envelope: Record<string, unknown>): Promise<void> {
    await this.connected;
    this.socket?.send(JSON.stringify(envelope));
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('Slack in Socket Mode (SLACK_APP_TOKEN set)', () => {
  let slack: FakeSlackApi;
  let socket: FakeSocketModeServer;
  let server: FirebreakServer;
  let dir: string;

  afterEach(async () => {
    await server?.stop();
    await socket?.close();
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
    server = undefined as never;
    socket = undefined as never;
    slack = undefined as never;
  });

  it('takes /ir run over the socket: acknowledged with the run id, then the run message posted', async () => {
    slack = new FakeSlackApi();
    await slack.start();
    socket = new FakeSocketModeServer();
    await socket.listening();
    slack.socketModeUrl = socket.url;
    dir = mkdtempSync(join(tmpdir(), 'firebreak-socket-'));
    writeFileSync(join(dir, 'note-only.yaml'), RUNBOOK);
    const clock = createSystemClock();
    const audit = new MemoryAuditLog(clock);
    const catalog = RunbookCatalog.load([dir]);
    const logger = createSilentLogger();
    const actions = new ActionRegistry(coreActions);
    const driver = new InProcessDriver({
      catalog,
      actions,
      aws: { simulated: true, region: 'us-east-1' } as never,
      audit,
      clock,
      logger,
      createRunId: createSequentialIds('run'),
    });
    server = createFirebreakServer({
      slack: { appToken: 'xapp-test', botToken: 'xoxb-test', command: '/ir', apiUrl: slack.url },
      driver,
      catalog,
      roles: new RoleMap({ responder: ['UREQ'] }),
      audit,
      clock,
      logger,
      simulated: true,
      store: new MemoryKeyValueStore(clock),
      minUpdateIntervalMs: 0,
      apiRetries: 0,
      collectProcessMetrics: false,
    });
    const port = await server.start(0, '127.0.0.1');
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as object;

    const payload = Object.fromEntries(
      new URLSearchParams(
        toSlashCommandBody({ userId: 'UREQ', text: 'run note-only', triggerId: 'trig-socket-1' }),
      ),
    );
    await socket.send({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload,
    });
    await waitFor(() => socket.acks.length > 0, 'the acknowledgement');
    await waitFor(() => slack.accepted('chat.postMessage').length > 0, 'the run message');
    await driver.idle();

    expect(health).toMatchObject({ slack: 'socket', slackConnected: true });
    expect(slack.accepted('apps.connections.open')).toHaveLength(1);
    expect(socket.acks[0]?.envelope_id).toBe('env-1');
    expect(String(socket.acks[0]?.payload?.['text'])).toMatch(/Starting \*note-only\* as `run-/);
    expect(slack.accepted('chat.postMessage')[0]?.args['channel']).toBe('CINCIDENT');
    const runs = await driver.listRuns();
    expect(runs.map((r) => [r.runbookId, r.requester, r.status])).toEqual([
      ['note-only', 'UREQ', 'succeeded'],
    ]);
  });

  /** A server in Socket Mode whose Slack Web API is `apiUrl`. */
  function socketModeServer(apiUrl: string): FirebreakServer {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-socket-'));
    const clock = createSystemClock();
    const catalog = new RunbookCatalog([]);
    return createFirebreakServer({
      slack: { appToken: 'xapp-test', botToken: 'xoxb-test', command: '/ir', apiUrl },
      driver: new InProcessDriver({
        catalog,
        actions: new ActionRegistry(coreActions),
        aws: { simulated: true, region: 'us-east-1' } as never,
        audit: new MemoryAuditLog(clock),
        clock,
        logger: createSilentLogger(),
      }),
      catalog,
      roles: new RoleMap({}),
      audit: new MemoryAuditLog(clock),
      clock,
      logger: createSilentLogger(),
      simulated: true,
      store: new MemoryKeyValueStore(clock),
      apiRetries: 0,
      collectProcessMetrics: false,
    });
  }

  it('keeps serving /healthz and /sns while Slack cannot be reached, trying again later', async () => {
    const deadPort = await freePort();
    server = socketModeServer(`http://127.0.0.1:${deadPort}/api/`);

    const port = await server.start(0, '127.0.0.1');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);

    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ slack: 'socket', slackConnected: false });
    expect((await fetch(`http://127.0.0.1:${port}/sns`, { method: 'POST' })).status).toBe(503);
  });

  it('fails the start when Slack refuses the app-level token', async () => {
    slack = new FakeSlackApi();
    await slack.start();
    slack.connectionsOpenError = 'invalid_auth';
    const refused = socketModeServer(slack.url);

    await expect(refused.start(0, '127.0.0.1')).rejects.toMatchObject({
      code: 'SLACK_CONFIG_INVALID',
      message: expect.stringContaining(
        'Slack refused SLACK_APP_TOKEN (An API error occurred: invalid_auth)',
      ),
    });
  });
});
