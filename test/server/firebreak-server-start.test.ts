import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { MemoryKeyValueStore } from '../../src/chatops/index.js';
import { RoleMap } from '../../src/config/index.js';
import { InProcessDriver } from '../../src/queue/index.js';
import { ActionRegistry, coreActions } from '../../src/actions/index.js';
import { RunbookCatalog } from '../../src/runbook/index.js';
import { createFirebreakServer } from '../../src/server/index.js';
import { createSilentLogger, createSystemClock } from '../../src/shared/index.js';
import { FakeSlackApi } from '../chatops/helpers/fake-slack-api.js';
import { freePort } from '../integration/own-redis-server.js';

function listensOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket.destroy() !== undefined));
    socket.once('error', () => resolve(false));
  });
}

describe('createFirebreakServer start', () => {
  let slack: FakeSlackApi | undefined;
  afterEach(async () => slack?.stop());

  function createServer(apiUrl: string) {
    const clock = createSystemClock();
    const logger = createSilentLogger();
    const catalog = new RunbookCatalog([]);
    const audit = new MemoryAuditLog(clock);
    const driver = new InProcessDriver({
      catalog,
      actions: new ActionRegistry(coreActions),
      aws: { simulated: true, region: 'us-east-1' } as never,
      audit,
      clock,
      logger,
    });
    return createFirebreakServer({
      slack: { signingSecret: 's', botToken: 'xoxb-test', command: '/ir', apiUrl },
      driver,
      catalog,
      roles: new RoleMap({}),
      audit,
      clock,
      logger,
      simulated: true,
      store: new MemoryKeyValueStore(clock),
      apiRetries: 0,
      collectProcessMetrics: false,
    });
  }

  it('fails on a bot token Slack refuses, and stops listening', async () => {
    slack = new FakeSlackApi();
    slack.authError = 'invalid_auth';
    await slack.start();
    const server = createServer(slack.url);
    const port = await freePort();

    await expect(server.start(port, '127.0.0.1')).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN/);
    expect(await listensOn(port)).toBe(false);
  });

  it('serves (SNS, /healthz) when Slack cannot be reached at start', async () => {
    const server = createServer(`http://127.0.0.1:${await freePort()}/api/`);
    const port = await server.start(0, '127.0.0.1');

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await server.stop();
  });
});
