/**
 * `npm run bench:slack`: acknowledgement latency of `/ir run` through the real HTTP server and
 * Bolt receiver on loopback, against a fake Slack Web API in a worker thread. Every request is
 * correctly signed and starts a (simulated, core-actions-only) run. Two loads: sustained (50
 * clients back to back, which saturates the process, so latency there is mostly queueing) and
 * bursts of 50 concurrent requests; the last line, `ack_p99_ms=<x>`, is the burst p99.
 *
 * By default the server runs as `firebreak serve` does with REDIS_URL: it acknowledges,
 * enqueues on BullMQ (a redis-server of the bench's own) and posts progress, while a separate
 * worker process (bench/slack-worker.ts) runs the steps. BENCH_DRIVER=in-process runs every
 * step in the server process instead, as the embedded default does.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionRegistry, coreActions } from '../src/actions/index.js';
import { MemoryAuditLog } from '../src/audit/index.js';
import type { AwsClients } from '../src/aws/index.js';
import { MemoryKeyValueStore } from '../src/chatops/index.js';
import { RoleMap } from '../src/config/index.js';
import { InProcessDriver } from '../src/queue/index.js';
import { RunbookCatalog } from '../src/runbook/index.js';
import { createFirebreakServer } from '../src/server/index.js';
import { createLogger, createSilentLogger, createSystemClock } from '../src/shared/index.js';
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { RedisAuditLog } from '../src/audit/index.js';
import type { AuditSink } from '../src/audit/index.js';
import type { RunDriver, RunState } from '../src/engine/index.js';
import { BullmqDriver, createRedisConnection } from '../src/queue/index.js';
import { startRedis } from './bench-redis.js';

const CONCURRENCY = 50;
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP ?? 200);
const MEASURED_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const SECRET = 'bench-signing-secret';
const RUNBOOK = `
name: bench
title: Bench runbook
severity: low
inputs: { target: { type: string } }
phases:
  detect:
    - { id: one, action: note, with: { text: "one \${{ inputs.target }}" } }
    - { id: two, action: note, with: { text: two } }
`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function post(agent: Agent, port: number, n: number): Promise<number> {
  const body = new URLSearchParams({
    team_id: 'T1',
    channel_id: 'CBENCH',
    user_id: 'UBENCH',
    command: '/ir',
    text: `run bench target=host-${n}`,
    trigger_id: `bench-${n}-${process.hrtime.bigint()}`,
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const headers = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Content-Length': Buffer.byteLength(body),
    'X-Slack-Request-Timestamp': timestamp,
    'X-Slack-Signature': signature,
  };
  return new Promise((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - startedAt) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Closed loop: 50 clients, each sending its next request as soon as the last is acknowledged. */
async function runSustained(
  agent: Agent,
  port: number,
  total: number,
  offset: number,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) latencies.push(await post(agent, port, offset + next++));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return latencies;
}

/** Bursts: 50 requests at once, then wait until their runs and Slack messages settle. */
async function runBursts(
  agent: Agent,
  port: number,
  total: number,
  offset: number,
  settle: () => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let sent = 0; sent < total; sent += CONCURRENCY) {
    const burst = Array.from({ length: CONCURRENCY }, (_, i) =>
      post(agent, port, offset + sent + i),
    );
    latencies.push(...(await Promise.all(burst)));
    await settle();
  }
  return latencies;
}

interface DriverParts {
  catalog: RunbookCatalog;
  actions: ActionRegistry;
  aws: AwsClients;
  clock: ReturnType<typeof createSystemClock>;
  logger: ReturnType<typeof createSilentLogger>;
}

interface BenchDriver {
  driver: RunDriver;
  audit: AuditSink;
  /** Resolves once every run started so far has finished. */
  settleRuns: () => Promise<void>;
  stop: () => Promise<void>;
}

function startInProcess(parts: DriverParts): BenchDriver {
  const audit = new MemoryAuditLog(parts.clock);
  const driver = new InProcessDriver({ ...parts, audit });
  return {
    driver,
    audit,
    settleRuns: () => driver.idle(),
    stop: async () => undefined,
  };
}

/** The server's driver enqueues only; a worker process runs the steps. */
async function startDurable(dir: string, parts: DriverParts): Promise<BenchDriver> {
  const redisServer = await startRedis(dir);
  const prefix = `bench-slack-${process.pid}`;
  const redis = createRedisConnection(redisServer.url);
  const audit = new RedisAuditLog({ redis, prefix, clock: parts.clock, simulated: true });
  const driver = await BullmqDriver.create({ ...parts, redis, prefix, audit });
  const pending = new Set<string>();
  let wake: (() => void) | undefined;
  driver.onChange((run: RunState) => {
    if (run.status === 'running' || run.status === 'awaiting_approval') pending.add(run.runId);
    else pending.delete(run.runId);
    if (pending.size === 0) wake?.();
  });
  await driver.subscribed();
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'slack-worker.ts')],
    {
      env: {
        ...process.env,
        REDIS_URL: redisServer.url,
        BENCH_PREFIX: prefix,
        BENCH_RUNBOOKS: dir,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve) => worker.stdout?.once('data', () => resolve()));
  return {
    driver,
    audit,
    settleRuns: () =>
      pending.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve)),
    stop: async () => {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
      await driver.close();
      redis.disconnect();
      redisServer.stop();
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));
  writeFileSync(join(dir, 'bench.yaml'), RUNBOOK);
  // The fake Slack API stands for Slack's servers: it runs in its own thread.
  const fake = new Worker(new URL('./slack-fake-api-worker.mjs', import.meta.url));
  const slackUrl = await new Promise<string>((resolve) => {
    fake.once('message', (message: { url: string }) => resolve(message.url));
  });
  const clock = createSystemClock();
  const logger = process.env.BENCH_DEBUG ? createLogger() : createSilentLogger();
  const catalog = RunbookCatalog.load([dir]);
  const aws = { simulated: true, region: 'us-east-1' } as AwsClients;
  const actions = new ActionRegistry(coreActions);
  const durable = process.env['BENCH_DRIVER'] !== 'in-process';
  const { driver, audit, settleRuns, stop } = durable
    ? await startDurable(dir, { catalog, actions, aws, clock, logger })
    : startInProcess({ catalog, actions, aws, clock, logger });
  const server = createFirebreakServer({
    slack: { signingSecret: SECRET, botToken: 'xoxb-bench', command: '/ir', apiUrl: slackUrl },
    driver,
    catalog,
    roles: new RoleMap({ responder: ['UBENCH'] }),
    audit,
    clock,
    logger,
    simulated: true,
    store: new MemoryKeyValueStore(clock),
    collectProcessMetrics: false,
  });
  const port = await server.start(0, '127.0.0.1');
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  const settle = async () => {
    await settleRuns();
    await server.chatops?.idle();
  };
  await runSustained(agent, port, WARMUP_REQUESTS, 0);
  await settle();
  const startedAt = process.hrtime.bigint();
  const sustained = (await runSustained(agent, port, MEASURED_REQUESTS, WARMUP_REQUESTS)).sort(
    (a, b) => a - b,
  );
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  await settle();
  const offset = WARMUP_REQUESTS + MEASURED_REQUESTS;
  const latencies = (await runBursts(agent, port, MEASURED_REQUESTS, offset, settle)).sort(
    (a, b) => a - b,
  );
  const runs = (await driver.listRuns()).length;
  await stop();

  agent.destroy();
  await server.stop();
  fake.postMessage({ stop: true });
  await new Promise((resolve) => fake.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });

  const topology = durable ? 'serve+worker on BullMQ' : 'in-process';
  process.stdout.write(
    `requests=${MEASURED_REQUESTS} concurrency=${CONCURRENCY} runs_started=${runs} driver=${topology}\n`,
  );
  process.stdout.write(`sustained_acks_per_s=${(MEASURED_REQUESTS / seconds).toFixed(0)}\n`);
  process.stdout.write(`sustained_ack_p50_ms=${percentile(sustained, 50).toFixed(2)}\n`);
  process.stdout.write(`sustained_ack_p99_ms=${percentile(sustained, 99).toFixed(2)}\n`);
  process.stdout.write(`ack_p50_ms=${percentile(latencies, 50).toFixed(2)}\n`);
  process.stdout.write(`ack_max_ms=${(latencies.at(-1) ?? NaN).toFixed(2)}\n`);
  process.stdout.write(`ack_p99_ms=${percentile(latencies, 99).toFixed(2)}\n`);
}

await main();
