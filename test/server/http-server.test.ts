import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/audit/index.js';
import { createHttpServer, ServerMetrics } from '../../src/server/index.js';
import type { HttpServer, SnsRouteRequest } from '../../src/server/index.js';
import { createSilentLogger, VirtualClock } from '../../src/shared/index.js';

let server: HttpServer | undefined;
let audit: MemoryAuditLog;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  sns?: (r: SnsRouteRequest) => Promise<{ status: number; outcome?: string }>,
  trustedProxies?: readonly string[],
) {
  audit = new MemoryAuditLog(new VirtualClock(0));
  server = createHttpServer({
    trustedProxies,
    logger: createSilentLogger(),
    audit,
    metrics: new ServerMetrics({ collectProcessMetrics: false }),
    sns,
    snsMaxRequestBytes: 1024,
    health: () => ({ slack: 'disabled' }),
  });
  return `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
}

describe('createHttpServer', () => {
  it('answers /healthz with the facts it is given', async () => {
    const url = await start();
    const answer = await fetch(`${url}/healthz`);
    expect(await answer.json()).toEqual({ status: 'ok', slack: 'disabled' });
  });

  it('exposes Prometheus metrics, including request durations', async () => {
    const url = await start();
    await fetch(`${url}/healthz`);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain(
      'firebreak_http_request_duration_seconds_count{route="/healthz",status="200"} 1',
    );
  });

  it('hands /sns the exact bytes and headers, and answers with its status', async () => {
    const seen: SnsRouteRequest[] = [];
    const url = await start(async (request) => {
      seen.push(request);
      return { status: 403, outcome: 'signature-refused' };
    });
    const body = '{"Type":"Notification","Message":"é"}';
    const answer = await fetch(`${url}/sns`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': 'Notification',
      },
      body,
    });

    expect(answer.status).toBe(403);
    expect(await answer.text()).toBe('signature-refused\n');
    expect(seen[0]?.body.toString('utf8')).toBe(body);
    expect(seen[0]?.headers['x-amz-sns-message-type']).toBe('Notification');
  });

  it('refuses an SNS body over the size limit with 413', async () => {
    const url = await start(async () => ({ status: 200 }));
    const answer = await fetch(`${url}/sns`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x'.repeat(2048),
    });
    expect(answer.status).toBe(413);
    expect(await answer.text()).toBe('SNS_TOO_LARGE\n');
    expect(audit.records.map((r) => [r.type, r.data?.['code']])).toEqual([
      ['trigger.refused', 'SNS_TOO_LARGE'],
    ]);
  });

  it('refuses a compressed SNS body instead of inflating it, and audits it', async () => {
    const seen: SnsRouteRequest[] = [];
    const url = await start(async (request) => {
      seen.push(request);
      return { status: 200 };
    });
    const answer = await fetch(`${url}/sns`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' },
      body: 'not gzip at all',
    });
    expect(answer.status).toBe(415);
    expect(seen).toEqual([]);
    expect(audit.records[0]?.data).toMatchObject({ code: 'SNS_MALFORMED', status: 415 });
  });

  it('refuses a streamed SNS body once it passes the limit, without a content length', async () => {
    const seen: SnsRouteRequest[] = [];
    const url = await start(async (request) => {
      seen.push(request);
      return { status: 200 };
    });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(400)));
        controller.close();
      },
    });
    const answer = await fetch(`${url}/sns`, {
      method: 'POST',
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(seen).toEqual([]);
    expect(audit.records[0]?.data).toMatchObject({ code: 'SNS_TOO_LARGE', status: 413 });
  });

  it('times /sns deliveries in the metrics and leaves other methods on /sns to Express', async () => {
    const url = await start(async () => ({ status: 200, outcome: 'notification-recorded' }));
    expect((await fetch(`${url}/sns`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await fetch(`${url}/sns`)).status).toBe(404);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain(
      'firebreak_http_request_duration_seconds_count{route="/sns",status="200"} 1',
    );
  });

  it('routes /sns as Express did: trailing slash, any case, a query string', async () => {
    const url = await start(async () => ({ status: 200, outcome: 'notification-recorded' }));
    const statuses = await Promise.all(
      ['/sns/', '/SNS', '/sns?from=sns'].map(
        async (path) => (await fetch(`${url}${path}`, { method: 'POST', body: '{}' })).status,
      ),
    );
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('records the client a trusted proxy forwarded for, and the proxy, in refusals', async () => {
    const url = await start(undefined, ['127.0.0.1']);
    const headers = { 'x-forwarded-for': '192.0.2.1, 198.51.100.7' };
    await fetch(`${url}/sns`, { method: 'POST', body: '{}', headers });

    expect(audit.records[0]?.data).toMatchObject({
      code: 'SNS_NOT_CONFIGURED',
      remoteAddress: '198.51.100.7',
      proxyAddress: '127.0.0.1',
    });
  });

  it('hands the SNS handler the forwarded client only behind a trusted proxy', async () => {
    const seen: SnsRouteRequest[] = [];
    const handler = async (request: SnsRouteRequest) => {
      seen.push(request);
      return { status: 200 };
    };
    const headers = { 'x-forwarded-for': '198.51.100.7' };
    const behindProxy = await start(handler, ['127.0.0.0/8']);
    await fetch(`${behindProxy}/sns`, { method: 'POST', body: '{}', headers });
    await server?.close();
    const direct = await start(handler);
    await fetch(`${direct}/sns`, { method: 'POST', body: '{}', headers });

    expect(seen.map((r) => [r.remoteAddress, r.proxyAddress])).toEqual([
      ['198.51.100.7', '127.0.0.1'],
      ['127.0.0.1', undefined],
    ]);
  });

  it('records the forwarded client of a refused Slack request behind a trusted proxy', async () => {
    audit = new MemoryAuditLog(new VirtualClock(0));
    server = createHttpServer({
      logger: createSilentLogger(),
      audit,
      metrics: new ServerMetrics({ collectProcessMetrics: false }),
      slack: { signingSecret: 'secret' },
      trustedProxies: ['127.0.0.1'],
    });
    const url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    const answer = await fetch(`${url}/slack/events`, {
      method: 'POST',
      body: 'user_id=UFORGED',
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });

    expect(answer.status).toBe(401);
    expect(audit.records[0]?.data).toMatchObject({
      code: 'SLACK_UNSIGNED',
      claimedSlackUserId: 'UFORGED',
      remoteAddress: '198.51.100.7',
      proxyAddress: '127.0.0.1',
    });
  });

  it('refuses to start with a trusted proxy that is not an address or network', () => {
    expect(() =>
      createHttpServer({
        logger: createSilentLogger(),
        audit: new MemoryAuditLog(new VirtualClock(0)),
        metrics: new ServerMetrics({ collectProcessMetrics: false }),
        trustedProxies: ['lb.internal'],
      }),
    ).toThrow('FIREBREAK_TRUSTED_PROXIES: "lb.internal" is not an IP address or network');
  });

  it('answers /sns with 503 when no handler is configured', async () => {
    const url = await start();
    expect((await fetch(`${url}/sns`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect(audit.records.map((r) => [r.type, r.data?.['code']])).toEqual([
      ['trigger.refused', 'SNS_NOT_CONFIGURED'],
    ]);
  });

  it('records a flood of refusals one by one up to a limit, then as a count at shutdown', async () => {
    const url = await start();
    for (let i = 0; i < 30; i++) await fetch(`${url}/sns`, { method: 'POST', body: '{}' });
    const oneByOne = audit.records.length;

    await server?.close();
    server = undefined;

    expect(oneByOne).toBe(20);
    expect(audit.records).toHaveLength(21);
    expect(audit.records[0]?.data?.['remoteAddress']).toMatch(/127\.0\.0\.1$/);
    expect(audit.records.at(-1)).toMatchObject({
      type: 'trigger.refused',
      actor: 'sns',
      data: { code: 'SNS_NOT_CONFIGURED', countedNotRecorded: 10 },
    });
    const from = audit.records.at(-1)?.data?.['countedFrom'] as Record<string, number>;
    expect(Object.values(from)).toEqual([10]);
    expect(Object.keys(from)[0]).toMatch(/127\.0\.0\.1$/);
  });
});
