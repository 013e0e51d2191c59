import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
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

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

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

  it('fails on a bot token Slack refuses, before anything listens', async () => {
    slack = new FakeSlackApi();
    slack.authError = 'invalid_auth';
    await slack.start();
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
    const server = createFirebreakServer({
      slack: { signingSecret: 's', botToken: 'xoxb-revoked', command: '/ir', apiUrl: slack.url },
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
    const port = await freePort();

    await expect(server.start(port, '127.0.0.1')).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN/);
    expect(await listensOn(port)).toBe(false);
  });
});
