/**
 * `npm run bench:slack`: acknowledgement latency of `/ir run` through the real HTTP server and
 * Bolt receiver on loopback, against a fake Slack Web API in a worker thread. Every request is
 * correctly signed (by a load generator in a thread of its own) and starts a (simulated,
 * core-actions-only) run. Two loads: sustained (50
 * clients back to back, which saturates the process, so latency there is mostly queueing) and
 * bursts of 50 concurrent requests; the last line, `ack_p99_ms=<x>`, is the burst p99.
 *
 * By default the server runs as `firebreak serve` does with REDIS_URL: it acknowledges,
 * enqueues on BullMQ (a redis-server of the bench's own) and posts progress, while a separate
 * worker process (bench/slack-worker.ts) runs the steps. BENCH_DRIVER=in-process runs every
 * step in the server process instead, as the embedded default does. BENCH_CPU_PROFILE=FILE
 * writes a CPU profile of the server thread during the bursts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { startCpuProfile } from './cpu-profile.js';

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

/** The load generator, in a thread of its own (bench/slack-load-worker.mjs). */
interface LoadGenerator {
  sustained(total: number, offset: number): Promise<number[]>;
  burst(offset: number): Promise<number[]>;
  stop(): Promise<void>;
}

function startLoad(port: number): LoadGenerator {
  const url = new URL('./slack-load-worker.mjs', import.meta.url);
  const thread = new Worker(url, {
    workerData: { port, secret: SECRET, concurrency: CONCURRENCY },
  });
  const ask = (command: object) =>
    new Promise<number[]>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
      thread.postMessage(command);
    });
  return {
    sustained: (total, offset) => ask({ kind: 'sustained', total, offset }),
    burst: (offset) => ask({ kind: 'burst', offset }),
    stop: async () => {
      thread.postMessage({ kind: 'stop' });
      await new Promise((resolve) => thread.once('exit', resolve));
    },
  };
}

/** Bursts of 50 requests at once, waiting after each until its runs and messages settle. */
async function runBursts(
  load: LoadGenerator,
  total: number,
  offset: number,
  settle: () => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let sent = 0; sent < total; sent += CONCURRENCY) {
    latencies.push(...(await load.burst(offset + sent)));
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
  const load = startLoad(port);

  const settle = async () => {
    await settleRuns();
    // Updates held back by the rate limit count too: each burst starts on a quiet server.
    await server.chatops?.settled();
  };
  await load.sustained(WARMUP_REQUESTS, 0);
  await settle();
  const startedAt = process.hrtime.bigint();
  const sustained = (await load.sustained(MEASURED_REQUESTS, WARMUP_REQUESTS)).sort(
    (a, b) => a - b,
  );
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  await settle();
  const offset = WARMUP_REQUESTS + MEASURED_REQUESTS;
  const stopProfile = await startCpuProfile();
  const latencies = (await runBursts(load, MEASURED_REQUESTS, offset, settle)).sort(
    (a, b) => a - b,
  );
  await stopProfile();
  const runs = (await driver.listRuns()).length;
  await stop();

  await load.stop();
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
