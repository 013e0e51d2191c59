/**
 * The raw BullMQ worker process of `npm run bench:engine`: a processor that enqueues the next
 * job of its chain, the baseline firebreak is measured against. Loads nothing of firebreak's.
 * Talks to the bench through bench/worker-report.ts.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BENCH_STEPS } from './engine-runbook.js';
import { preciseNowMs } from './precise-now.js';
import { reportToBench } from './worker-report.js';

/** What a raw chain job carries: where it is in its chain and when each job ran. */
interface RawJobData {
  chain: number;
  step: number;
  times: number[];
}

const redisUrl = process.env['REDIS_URL'] ?? '';
const prefix = process.env['BENCH_PREFIX'] ?? 'bench';
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 50);
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue<RawJobData>('raw', { connection: redis, prefix });
const removeOnComplete = { count: 1000 };
const worker = new Worker<RawJobData>(
  'raw',
  async (job) => {
    const times = [...job.data.times, preciseNowMs()];
    if (job.data.step < BENCH_STEPS) {
      const data = { chain: job.data.chain, step: job.data.step + 1, times };
      await queue.add('step', data, { removeOnComplete });
      return;
    }
    await redis.rpush(`${prefix}:done`, JSON.stringify(times));
  },
  { connection: redis, prefix, concurrency },
);
await worker.waitUntilReady();
reportToBench(async () => {
  await worker.close();
  await queue.close();
  redis.disconnect();
});
