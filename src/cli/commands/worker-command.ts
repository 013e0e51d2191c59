import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { DEFAULT_WORKER_CONCURRENCY } from '../../queue/index.js';
import type { CliIo } from '../cli-io.js';
import { createDurableRuntime } from './durable-runtime.js';

interface WorkerCommandOptions {
  concurrency: string;
}

/**
 * `firebreak worker`: runs steps from Redis until SIGTERM or SIGINT, then lets the steps in
 * hand finish (up to 30 s) and exits. Start more workers, on any host, to scale out.
 */
export function registerWorkerCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('worker')
    .description('run steps from the durable queue (needs REDIS_URL); scale out by starting more')
    .option(
      '--concurrency <n>',
      'steps this process runs at once',
      String(DEFAULT_WORKER_CONCURRENCY),
    )
    .action(async (options: WorkerCommandOptions) => {
      const runtime = await createDurableRuntime(config, 'firebreak worker', 'worker');
      const concurrency = Number(options.concurrency);
      const worker = runtime.bullmq.startWorker({ concurrency });
      await worker.waitUntilReady();
      const where = runtime.aws.simulated ? 'SIMULATED account' : 'REAL AWS';
      io.out(
        `worker ${worker.config.workerId} taking steps (concurrency ${concurrency}, ${where})`,
      );

      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          runtime.logger.info('stopping: letting the steps in hand finish', { signal });
          resolve();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await worker.close();
      await runtime.close();
      io.out(`worker ${worker.config.workerId} stopped`);
    });
}
