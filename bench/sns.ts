/**
 * `npm run bench:sns`: verified SNS notifications per second through the real HTTP server
 * (`createHttpServer` from src/server, the server `firebreak serve` runs) on loopback, and the
 * time from request received to run enqueued (p50, p99). Every delivery is a distinct,
 * correctly signed alarm, so each one starts a run through the BullMQ driver on Redis (the
 * production path): signature check with a cached certificate, MessageId and incident claims in
 * Redis, audit records, run state and first job in Redis.
 *
 * Two measured phases, after a warm-up:
 * - throughput: a closed loop with BENCH_CONCURRENCY requests always in flight, as fast as the
 *   server answers; gives `verified_per_s` (and, for reference, the latency at saturation,
 *   which is the concurrency divided by the throughput and says little more);
 * - latency: an open loop that sends BENCH_RATE deliveries per second on a fixed schedule,
 *   whatever the answers, as SNS does; gives the request-to-enqueued p50 and p99 at that rate,
 *   with the rate reached and the client-side p99 (from when each request was due) beside it,
 *   so that a server falling behind shows.
 *
 * The messages are signed by a throwaway key made with openssl at start; its certificate is
 * served by an injected fetcher, as the corpus's real SNS keys are unknown. Redis is
 * REDIS_URL, or a redis-server of our own on a free loopback port. Requests come from a worker
 * thread so the load generator does not share the server's event loop. Ends with the lines
 * `verified_per_s=<x>` and `enqueue_p99_ms=<x>` (the latter from the open-loop phase).
 *
 * Environment: BENCH_REQUESTS (default 6000 per measured phase), BENCH_WARMUP (500),
 * BENCH_CONCURRENCY (32 requests in flight in the throughput phase), BENCH_RATE (2000
 * deliveries per second in the latency phase, the target rate); BENCH_SKIP_DRIVER=1
 * hands runs to a no-op instead of the BullMQ driver, to show what the endpoint and intake cost
 * on their own; BENCH_CPU_PROFILE=FILE writes a CPU profile of the throughput phase.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { startRedis } from './bench-redis.js';
import { startCpuProfile } from './cpu-profile.js';
import { ActionRegistry, coreActions } from '../src/actions/index.js';
import { RedisAuditLog } from '../src/audit/index.js';
import type { AwsClients } from '../src/aws/index.js';
import { BullmqDriver, createRedisConnection } from '../src/queue/index.js';
import { RunbookCatalog } from '../src/runbook/index.js';
import { createHttpServer, ServerMetrics } from '../src/server/index.js';
import { createSilentLogger, createSystemClock } from '../src/shared/index.js';
import { RedisDedupeStore, createSnsRoute, toSnsCanonicalString } from '../src/triggers/index.js';
import type { SnsEnvelope } from '../src/triggers/index.js';

const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const RATE_PER_S = Number(process.env['BENCH_RATE'] ?? 2000);
const WARMUP_REQUESTS = Number(process.env['BENCH_WARMUP'] ?? 500);
const MEASURED_REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 6000);
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:firebreak-bench';
const CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';
const RUNBOOK = `
name: bench-alarm
title: Bench alarm runbook
severity: low
inputs: { alarm: { type: string } }
triggers:
  - alarm: { name: "/^bench-[0-9a-f-]+$/", namespace: AWS/EC2 }
    inputs: { alarm: "\${{ trigger.alarmName }}" }
phases:
  detect:
    - { id: record, action: note, with: { text: "alarm \${{ inputs.alarm }}" } }
`;

// The load generator: plain JavaScript in a worker thread, keep-alive connections. Closed loop
// (`rate` 0): a fixed number of requests in flight. Open loop: requests leave on a fixed
// schedule, `rate` a second, whether or not earlier ones were answered; each one's latency is
// counted from when it was due. Posts back the statuses and those latencies.
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, bodies, concurrency, rate } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: rate > 0 ? 1024 : concurrency });
let next = 0;
const statuses = {};
const dueToAnswerMs = [];
function post(item) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/sns', method: 'POST', agent,
      headers: { 'content-type': 'text/plain; charset=UTF-8', 'content-length': Buffer.byteLength(item.body),
        'x-amz-sns-message-type': 'Notification', 'x-amz-sns-message-id': item.id,
        'x-amz-sns-topic-arn': '${TOPIC_ARN}' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(item.body);
  });
}
function count(status) {
  statuses[status] = (statuses[status] ?? 0) + 1;
}
async function lane() {
  while (next < bodies.length) count(await post(bodies[next++]));
}
function openLoop() {
  return new Promise((resolve, reject) => {
    let answered = 0;
    const tick = () => {
      const elapsedMs = performance.now() - startedAt;
      const due = Math.min(bodies.length, Math.floor((elapsedMs * rate) / 1000) + 1);
      for (; next < due; next++) {
        const dueAt = startedAt + (next * 1000) / rate;
        post(bodies[next]).then((status) => {
          count(status);
          dueToAnswerMs.push(performance.now() - dueAt);
          if (++answered === bodies.length) resolve();
        }, reject);
      }
      if (next < bodies.length) setTimeout(tick, 1);
    };
    tick();
  });
}
const startedAt = performance.now();
const load = rate > 0 ? openLoop() : Promise.all(Array.from({ length: concurrency }, lane));
load.then(() => {
  agent.destroy();
  parentPort.postMessage({ elapsedMs: performance.now() - startedAt, statuses, dueToAnswerMs });
});
`;

interface LoadResult {
  readonly elapsedMs: number;
  readonly statuses: Record<string, number>;
  /** Open loop only: from when each request was due to its answer. */
  readonly dueToAnswerMs: readonly number[];
}

interface SignedBody {
  readonly id: string;
  readonly body: string;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function createSigningKey(dir: string): { certificatePem: string; privateKeyPem: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-keyout', keyFile, '-out', certFile, '-subj', '/CN=sns.amazonaws.com'],
    ],
    { stdio: 'ignore' },
  );
  return {
    certificatePem: readFileSync(certFile, 'utf8'),
    privateKeyPem: readFileSync(keyFile, 'utf8'),
  };
}

function toAlarmMessage(alarmName: string): string {
  return JSON.stringify({
    AlarmName: alarmName,
    AWSAccountId: '123456789012',
    NewStateValue: 'ALARM',
    OldStateValue: 'OK',
    NewStateReason: 'Threshold Crossed: 1 datapoint [95.0] was greater than the threshold (90.0).',
    StateChangeTime: new Date().toISOString().replace('Z', '+0000'),
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`,
    Trigger: {
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'AVERAGE',
      Dimensions: [{ value: 'i-0123456789abcdef0', name: 'InstanceId' }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 90.0,
    },
  });
}

function signAlarms(count: number, privateKey: KeyObject): SignedBody[] {
  return Array.from({ length: count }, () => {
    const id = randomUUID();
    const unsigned: SnsEnvelope = {
      Type: 'Notification',
      MessageId: id,
      TopicArn: TOPIC_ARN,
      Subject: 'ALARM: bench',
      Message: toAlarmMessage(`bench-${id}`),
      Timestamp: new Date().toISOString(),
      SignatureVersion: '2',
      Signature: '',
      SigningCertURL: CERT_URL,
    };
    const signature = sign('sha256', Buffer.from(toSnsCanonicalString(unsigned)), privateKey);
    return { id, body: JSON.stringify({ ...unsigned, Signature: signature.toString('base64') }) };
  });
}

/** Sends `bodies`: closed loop at BENCH_CONCURRENCY, or open loop at `ratePerS` when given. */
function runLoad(port: number, bodies: readonly SignedBody[], ratePerS = 0): Promise<LoadResult> {
  const workerData = { port, bodies, concurrency: CONCURRENCY, rate: ratePerS };
  const worker = new Worker(LOAD_WORKER, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-sns-'));
  const redisServer = await startRedis(dir);
  const prefix = `firebreak-bench-sns-${randomUUID().slice(0, 8)}`;
  writeFileSync(join(dir, 'bench-alarm.yaml'), RUNBOOK);
  const logger = createSilentLogger();
  const clock = createSystemClock();
  // The runtime `firebreak serve` builds with REDIS_URL, minus AWS: the runbook only notes.
  const connection = createRedisConnection(redisServer.url);
  const audit = new RedisAuditLog({ redis: connection, prefix, clock, simulated: true });
  const catalog = RunbookCatalog.load([dir]);
  const driver = await BullmqDriver.create({
    redis: connection,
    prefix,
    catalog,
    actions: new ActionRegistry(coreActions),
    aws: { simulated: true, region: 'us-east-1' } as AwsClients,
    audit,
    clock,
    logger,
  });
  const redis = new Redis(redisServer.url, { enableAutoPipelining: true });
  const key = createSigningKey(dir);

  // Request received (socket 'request' event) to run enqueued (driver.startRun resolved), for
  // the phase being measured (none during the warm-up).
  const receivedAt = new Map<string, number>();
  let enqueueMs: number[] | undefined;
  const route = createSnsRoute({
    allowedTopicArns: [TOPIC_ARN],
    runbooks: catalog.list(),
    audit,
    store: new RedisDedupeStore({ redis, keyPrefix: `${prefix}:trigger:` }),
    fetchCertificate: async () => key.certificatePem,
    confirmSubscription: async () => undefined,
    logger,
    startRun: async (request) => {
      const state = process.env['BENCH_SKIP_DRIVER'] ? undefined : await driver.startRun(request);
      const startedAt = receivedAt.get(request.trigger.messageId ?? '');
      if (startedAt !== undefined) enqueueMs?.push(performance.now() - startedAt);
      return state;
    },
  });
  const metrics = new ServerMetrics({ driver, collectProcessMetrics: false });
  const http = createHttpServer({ logger, audit, metrics, sns: route });
  const server = createServer((req, res) => {
    const id = req.headers['x-amz-sns-message-id'];
    if (typeof id === 'string') receivedAt.set(id, performance.now());
    http.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const privateKey = createPrivateKey(key.privateKeyPem);
  const warmup = signAlarms(WARMUP_REQUESTS, privateKey);
  const saturating = signAlarms(MEASURED_REQUESTS, privateKey);
  const scheduled = signAlarms(MEASURED_REQUESTS, privateKey);
  await runLoad(port, warmup);

  const saturatedMs: number[] = (enqueueMs = []);
  const stopProfile = await startCpuProfile();
  const eluBefore = performance.eventLoopUtilization();
  const result = await runLoad(port, saturating);
  const elu = performance.eventLoopUtilization(eluBefore);
  await stopProfile();

  const atRateMs: number[] = (enqueueMs = []);
  const atRate = await runLoad(port, scheduled, RATE_PER_S);
  enqueueMs = undefined;

  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  const runs = await driver.listRuns();
  await driver.close();
  await connection.quit();
  const leftovers = await redis.keys(`${prefix}*`);
  for (let i = 0; i < leftovers.length; i += 500) await redis.del(...leftovers.slice(i, i + 500));
  await redis.quit();
  redisServer.stop();
  rmSync(dir, { recursive: true, force: true });

  const verified = result.statuses['200'] ?? 0;
  const saturated = [...saturatedMs].sort((a, b) => a - b);
  const sorted = [...atRateMs].sort((a, b) => a - b);
  const clientSorted = [...atRate.dueToAnswerMs].sort((a, b) => a - b);
  const verifiedPerS = verified / (result.elapsedMs / 1000);
  const reachedPerS = (atRate.statuses['200'] ?? 0) / (atRate.elapsedMs / 1000);
  const ms = (sortedMs: readonly number[], p: number) => percentile(sortedMs, p).toFixed(2);
  console.log(`runs_started=${runs.length} (warm-up included)`);
  console.log(
    `throughput phase: requests=${MEASURED_REQUESTS} concurrency=${CONCURRENCY} ` +
      `statuses=${JSON.stringify(result.statuses)} elapsed_ms=${result.elapsedMs.toFixed(0)}`,
  );
  console.log(`  server_loop_utilization=${elu.utilization.toFixed(2)}`);
  // Event-loop busy time per delivery: what one uncontended core would need for each.
  console.log(`  server_busy_ms_per_request=${(elu.active / MEASURED_REQUESTS).toFixed(3)}`);
  console.log(
    `  saturated_enqueue_p50_ms=${ms(saturated, 50)} saturated_enqueue_p99_ms=${ms(saturated, 99)}`,
  );
  console.log(
    `latency phase: requests=${MEASURED_REQUESTS} offered_per_s=${RATE_PER_S} ` +
      `statuses=${JSON.stringify(atRate.statuses)} reached_per_s=${reachedPerS.toFixed(0)}`,
  );
  console.log(`  client_p99_ms=${ms(clientSorted, 99)} (from when each request was due)`);
  console.log(`  enqueue_p90_ms=${ms(sorted, 90)} enqueue_max_ms=${ms(sorted, 100)}`);
  console.log(`enqueue_p50_ms=${ms(sorted, 50)}`);
  console.log(`verified_per_s=${verifiedPerS.toFixed(0)}`);
  console.log(`enqueue_p99_ms=${ms(sorted, 99)}`);
}

await main();
