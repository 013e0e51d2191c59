import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import type { CliIo } from '../cli-io.js';
import { createDurableRuntime } from './durable-runtime.js';

interface AbortOptions {
  reason: string;
  as: string;
}

/**
 * `firebreak abort RUN --reason TEXT`: stops a run between steps; a step in flight finishes
 * and its result is dropped. Who and why go to the audit log.
 */
export function registerAbortCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('abort')
    .description('abort a run, recording who and why (needs REDIS_URL)')
    .argument('<run>', 'run id')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--as <user>', 'who is aborting', userInfo().username)
    .action(async (runId: string, options: AbortOptions) => {
      const runtime = await createDurableRuntime(config, 'firebreak abort');
      try {
        // The name after --as is claimed, not proven: record who is really at the keyboard.
        const origin = { source: 'cli', osUser: userInfo().username, host: hostname() };
        const outcome = await runtime.bullmq.abort(runId, options.as, options.reason, origin);
        if (outcome.accepted) {
          io.out(`${runId} aborted by ${options.as}: ${options.reason}`);
          return;
        }
        io.err(`${runId} not aborted: ${outcome.refusal.message}`);
        io.exitCode(1);
      } finally {
        await runtime.close();
      }
    });
}
