/**
 * `npm run bench:engine`: firebreak's durable engine against a raw BullMQ chain (a processor
 * that enqueues the next job), on the same Redis, with the same worker concurrency:
 *   1. hop latency: one chain of ten steps at a time, time from one step's start to the next's;
 *   2. throughput: 1,000 chains of ten no-op steps started at once, steps per second;
 *   3. peak RSS of the worker process while those 1,000 runs are in flight;
 *   4. CPU time per step in the throughput phase, of the worker and of Redis (when the two share
 *      a small machine, their sum bounds the throughput; a figure for profiling, not a target).
 * Uses REDIS_URL when set (keys under a fresh prefix, deleted afterwards), otherwise starts a
 * redis-server of its own (temporary folder, free port, AOF everysec, hz 100, noeviction).
 * The two sides take turns for BENCH_ROUNDS rounds (default 5: raw, firebreak, raw, ...) and
 * each figure is the median of its rounds (peak RSS: the highest), so that a machine whose speed
 * drifts during the run weighs on both sides alike; every round's figures are printed too.
 * Ends with `hop_p50_ratio=<x>`, `throughput_ratio=<x>` and `peak_rss_mb=<x>`.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ActionRegistry, coreActions } from '../src/actions/index.js';
import { RedisAuditLog } from '../src/audit/index.js';
import { createAwsClients, SimulatedAccount } from '../src/aws/index.js';
import { BullmqDriver, createRedisConnection } from '../src/queue/index.js';
import { parseRunbook, RunbookCatalog } from '../src/runbook/index.js';
import { createSilentLogger, createSystemClock } from '../src/shared/index.js';
import { BENCH_RUNBOOK_YAML, BENCH_STEPS } from './engine-runbook.js';

const LATENCY_CHAINS = Number(process.env['BENCH_LATENCY_CHAINS'] ?? 40);
const THROUGHPUT_CHAINS = Number(process.env['BENCH_CHAINS'] ?? 1000);
const WARMUP_CHAINS = 20;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 50);
const ROUNDS = Math.max(1, Number(process.env['BENCH_ROUNDS'] ?? 5));
const POLL_INTERVAL_MS = 10;
const WORKER_ENTRIES = {
  firebreak: join(import.meta.dirname, 'engine-worker.ts'),
  raw: join(import.meta.dirname, 'raw-worker.ts'),
};

interface SideResult {
  idleRssMb: number;
  hopP50Ms: number;
  hopP99Ms: number;
  stepsPerSecond: number;
  /** Worker CPU (user and system) per step of the throughput phase, in µs. */
  cpuPerStepUs: number;
  /** Redis server CPU per step of the throughput phase, in µs (INFO CPU). */
  redisCpuPerStepUs: number;
  peakRssMb: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function hopsOf(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await pause(POLL_INTERVAL_MS);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

async function startOwnRedis(): Promise<{ url: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  const tuning = [
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--hz',
    '100',
    '--maxmemory-policy',
    'noeviction',
  ];
  const child = spawn('redis-server', [...args, ...tuning], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (ping.stdout?.trim() === 'PONG') break;
    await pause(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Compiles a worker entry to one ES module, packages left outside, as `npm run build` would
 * compile it: the worker then runs on plain node, without tsx's loader in its memory.
 * esbuild comes with tsx. BENCH_TSX=1 runs the TypeScript through tsx instead.
 */
async function compileWorker(mode: 'firebreak' | 'raw'): Promise<string[]> {
  if (process.env['BENCH_TSX'] === '1') return ['--import', 'tsx', WORKER_ENTRIES[mode]];
  const { build } = await import('esbuild');
  const outfile = join(
    import.meta.dirname,
    '..',
    'node_modules',
    '.cache',
    'firebreak-bench',
    `${mode}-worker.mjs`,
  );
  await build({
    entryPoints: [WORKER_ENTRIES[mode]],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return [outfile];
}

async function startWorker(mode: 'firebreak' | 'raw', redisUrl: string, prefix: string) {
  // BENCH_NODE_ARGS: extra node flags for the worker, e.g. `--cpu-prof` to profile it.
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const entry = await compileWorker(mode);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      BENCH_PREFIX: prefix,
      BENCH_CONCURRENCY: String(CONCURRENCY),
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil(async () => output.includes('ready'));
  const idleRssMb = Number(/idle_rss_kb=(\d+)/.exec(output)?.[1] ?? NaN) / 1024;
  return {
    idleRssMb,
    auditRetries: () => Number(/audit_retries=(\d+)/.exec(output)?.[1] ?? 0),
    /** The worker's CPU time so far (user and system), in µs. */
    cpuUs: async (): Promise<number> => {
      const before = output.length;
      child.kill('SIGUSR2');
      await waitUntil(async () => /cpu_us=\d+\n/.test(output.slice(before)));
      return Number(/cpu_us=(\d+)/.exec(output.slice(before))?.[1]);
    },
    /** Stops the worker; resolves with its peak RSS in MB. */
    stop: async (): Promise<number> => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      const kb = Number(/peak_rss_kb=(\d+)/.exec(output)?.[1] ?? NaN);
      return kb / 1024;
    },
  };
}

/** The Redis server's CPU time so far (user and system, main thread and children), in µs. */
async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = [...info.matchAll(/^used_cpu_(?:sys|user):([\d.]+)/gm)];
  return seconds.reduce((sum, match) => sum + Number(match[1]), 0) * 1e6;
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

async function benchFirebreak(redisUrl: string, prefix: string): Promise<SideResult> {
  const redis = createRedisConnection(redisUrl, { role: 'worker' });
  const clock = createSystemClock();
  const account = new SimulatedAccount({}, { clock });
  const aws = createAwsClients({ region: account.region, simulatedAccount: account });
  const audit = new RedisAuditLog({ redis, prefix, clock, simulated: true });
  const catalog = new RunbookCatalog([parseRunbook('bench.yaml', BENCH_RUNBOOK_YAML)]);
  const actions = new ActionRegistry([...coreActions]);
  const logger = createSilentLogger();
  const driver = await BullmqDriver.create({
    redis,
    prefix,
    catalog,
    actions,
    aws,
    audit,
    clock,
    logger,
  });
  const worker = await startWorker('firebreak', redisUrl, prefix);
  const request = {
    runbookId: 'bench',
    inputs: {},
    requester: 'bench',
    trigger: { source: 'cli' as const },
  };
  const finished = async (runId: string) => !(await redis.sismember(driver.keys.activeRuns, runId));

  const hops: number[] = [];
  for (let i = 0; i < WARMUP_CHAINS + LATENCY_CHAINS; i++) {
    const { runId } = await driver.startRun(request);
    await waitUntil(() => finished(runId));
    const run = await driver.getRun(runId);
    const times = (run?.steps ?? []).map((s) => (s.outputs as { atMs: number }).atMs);
    if (i >= WARMUP_CHAINS) hops.push(...hopsOf(times));
  }

  const cpuBefore = await worker.cpuUs();
  const redisCpuBefore = await redisCpuUs(redis);
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: THROUGHPUT_CHAINS }, () => driver.startRun(request)));
  await waitUntil(async () => (await redis.scard(driver.keys.activeRuns)) === 0);
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpuPerStepUs = ((await worker.cpuUs()) - cpuBefore) / (THROUGHPUT_CHAINS * BENCH_STEPS);
  const redisCpuPerStepUs =
    ((await redisCpuUs(redis)) - redisCpuBefore) / (THROUGHPUT_CHAINS * BENCH_STEPS);

  const verification = await audit.verify();
  if (!verification.ok) throw new Error(`audit chain broken at record ${verification.badLine}`);
  const peakRssMb = await worker.stop();
  process.stdout.write(
    `firebreak audit appends resealed after contention: bench ${audit.retries}, worker ${worker.auditRetries()}\n`,
  );
  await driver.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  const stepsPerSecond = (THROUGHPUT_CHAINS * BENCH_STEPS) / elapsedS;
  const { idleRssMb } = worker;
  return {
    idleRssMb,
    hopP50Ms: percentile(hops, 50),
    hopP99Ms: percentile(hops, 99),
    stepsPerSecond,
    cpuPerStepUs,
    redisCpuPerStepUs,
    peakRssMb,
  };
}

async function benchRaw(redisUrl: string, prefix: string): Promise<SideResult> {
  const redis = createRedisConnection(redisUrl, { role: 'worker' });
  const queue = new Queue('raw', { connection: redis, prefix });
  const worker = await startWorker('raw', redisUrl, prefix);
  const doneKey = `${prefix}:done`;
  const start = (chain: number) =>
    queue.add('step', { chain, step: 1, times: [] }, { removeOnComplete: { count: 1000 } });

  const hops: number[] = [];
  for (let i = 0; i < WARMUP_CHAINS + LATENCY_CHAINS; i++) {
    await start(i);
    const reply = await redis.blpop(doneKey, 10);
    if (i >= WARMUP_CHAINS && reply) hops.push(...hopsOf(JSON.parse(reply[1]) as number[]));
  }

  const cpuBefore = await worker.cpuUs();
  const redisCpuBefore = await redisCpuUs(redis);
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: THROUGHPUT_CHAINS }, (_, i) => start(i)));
  await waitUntil(async () => (await redis.llen(doneKey)) === THROUGHPUT_CHAINS);
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpuPerStepUs = ((await worker.cpuUs()) - cpuBefore) / (THROUGHPUT_CHAINS * BENCH_STEPS);
  const redisCpuPerStepUs =
    ((await redisCpuUs(redis)) - redisCpuBefore) / (THROUGHPUT_CHAINS * BENCH_STEPS);

  const peakRssMb = await worker.stop();
  await queue.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  const stepsPerSecond = (THROUGHPUT_CHAINS * BENCH_STEPS) / elapsedS;
  const { idleRssMb } = worker;
  return {
    idleRssMb,
    hopP50Ms: percentile(hops, 50),
    hopP99Ms: percentile(hops, 99),
    stepsPerSecond,
    cpuPerStepUs,
    redisCpuPerStepUs,
    peakRssMb,
  };
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const cpuFigures = (side: SideResult) =>
  `${fixed(side.cpuPerStepUs, 0)} + ${fixed(side.redisCpuPerStepUs, 0)} µs`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Each figure's median over the rounds; peak RSS is the highest seen. */
function medianOf(results: readonly SideResult[]): SideResult {
  return {
    idleRssMb: median(results.map((r) => r.idleRssMb)),
    hopP50Ms: median(results.map((r) => r.hopP50Ms)),
    hopP99Ms: median(results.map((r) => r.hopP99Ms)),
    stepsPerSecond: median(results.map((r) => r.stepsPerSecond)),
    cpuPerStepUs: median(results.map((r) => r.cpuPerStepUs)),
    redisCpuPerStepUs: median(results.map((r) => r.redisCpuPerStepUs)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
}

async function main(): Promise<void> {
  const own = process.env['REDIS_URL'] ? undefined : await startOwnRedis();
  const redisUrl = process.env['REDIS_URL'] ?? own?.url ?? '';
  const tag = randomBytes(3).toString('hex');
  const where = own ? 'a redis-server of its own (AOF everysec, hz 100)' : 'REDIS_URL';
  const how = process.env['BENCH_TSX'] === '1' ? 'TypeScript through tsx' : 'compiled with esbuild';
  process.stdout.write(`bench:engine on ${where}; workers ${how}, concurrency ${CONCURRENCY}\n`);
  try {
    const rounds: { raw: SideResult; firebreak: SideResult }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const raw = await benchRaw(redisUrl, `bench-raw-${tag}-${round}`);
      const firebreak = await benchFirebreak(redisUrl, `bench-fb-${tag}-${round}`);
      rounds.push({ raw, firebreak });
      process.stdout.write(
        `round ${round}: hop p50 raw ${fixed(raw.hopP50Ms)} ms, ` +
          `firebreak ${fixed(firebreak.hopP50Ms)} ms; ` +
          `raw ${fixed(raw.stepsPerSecond, 0)} steps/s, ` +
          `firebreak ${fixed(firebreak.stepsPerSecond, 0)} steps/s; ` +
          `CPU per step (worker + Redis) ` +
          `raw ${cpuFigures(raw)}, firebreak ${cpuFigures(firebreak)}\n`,
      );
    }
    const raw = medianOf(rounds.map((r) => r.raw));
    const firebreak = medianOf(rounds.map((r) => r.firebreak));
    const lines = [
      `medians of ${ROUNDS} round(s):`,
      `hop latency (${LATENCY_CHAINS} chains of ${BENCH_STEPS}, one at a time):`,
      `  raw BullMQ  p50=${fixed(raw.hopP50Ms)} ms  p99=${fixed(raw.hopP99Ms)} ms`,
      `  firebreak   p50=${fixed(firebreak.hopP50Ms)} ms  p99=${fixed(firebreak.hopP99Ms)} ms`,
      `throughput (${THROUGHPUT_CHAINS} chains of ${BENCH_STEPS} no-op steps at once):`,
      `  raw BullMQ  ${fixed(raw.stepsPerSecond, 0)} steps/s   worker RSS ${fixed(raw.idleRssMb, 0)} MB at rest, peak ${fixed(raw.peakRssMb, 0)} MB`,
      `  firebreak   ${fixed(firebreak.stepsPerSecond, 0)} steps/s   worker RSS ${fixed(firebreak.idleRssMb, 0)} MB at rest, peak ${fixed(firebreak.peakRssMb, 0)} MB (state and audit written per step)`,
      `CPU per step in the throughput phase (worker + Redis): ` +
        `raw BullMQ ${cpuFigures(raw)}, firebreak ${cpuFigures(firebreak)}`,
      `hop_p50_ratio=${fixed(firebreak.hopP50Ms / raw.hopP50Ms)}`,
      `throughput_ratio=${fixed(firebreak.stepsPerSecond / raw.stepsPerSecond)}`,
      `peak_rss_mb=${fixed(firebreak.peakRssMb, 0)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    own?.stop();
  }
}

await main();
