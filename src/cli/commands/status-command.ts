import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { isFinished } from '../../engine/index.js';
import { FirebreakError } from '../../shared/index.js';
import type { CliIo } from '../cli-io.js';
import { formatRun } from '../format-run.js';
import { createDurableRuntime } from './durable-runtime.js';

/** `firebreak status RUN`: a run's steps, and the lock it waits for when it waits. */
export function registerStatusCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('status')
    .description("show a run's steps (needs REDIS_URL)")
    .argument('<run>', 'run id')
    .action(async (runId: string) => {
      const runtime = await createDurableRuntime(config, 'firebreak status');
      try {
        const stored = await runtime.bullmq.getStoredRun(runId);
        if (!stored)
          throw new FirebreakError(
            'RUN_UNKNOWN',
            `no run ${runId}; list runs with firebreak runs`,
            { runId },
          );
        io.out(formatRun(stored.state));
        if (stored.waiting) {
          const holder = await runtime.bullmq.locks.holder(stored.lock ?? '');
          io.out(`  waits for the lock on "${stored.lock}"${holder ? `, held by ${holder}` : ''}`);
        }
        const step = stored.state.steps[stored.state.cursor];
        const queued = step?.status === 'running' && !isFinished(stored.state);
        if (queued && (await runtime.bullmq.queue.getWorkersCount()) === 0) {
          io.out('  no firebreak worker is connected: the run goes on once one starts');
        }
        // Once the run has stopped, its failure line already says who aborted it and why.
        if (stored.state.abort && !stored.state.failure) {
          const { by, reason } = stored.state.abort;
          io.out(`  aborted by ${by}: ${reason}`);
        }
      } finally {
        await runtime.close();
      }
    });
}
