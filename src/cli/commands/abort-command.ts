import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { abortRefusal, isFinished } from '../../engine/index.js';
import type { CliIo } from '../cli-io.js';
import { createDurableRuntime } from './durable-runtime.js';

interface AbortOptions {
  reason: string;
  as: string;
}

/**
 * `firebreak abort RUN --reason TEXT`: stops a run between steps; a step in flight finishes
 * and its result is dropped. The same rule as in Slack: the requester, or a role of the role
 * map that may approve (else run) the runbook. Who and why go to the audit log, refusals too.
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
        const run = await runtime.bullmq.getRun(runId);
        if (run && isFinished(run)) {
          io.err(`${runId} not aborted: it is already ${run.status}`);
          io.exitCode(1);
          return;
        }
        const runbook = run && (run.inlineRunbook ?? runtime.catalog.find(run.runbookId));
        const needs =
          run && abortRefusal(run, runbook, options.as, runtime.roles.rolesOf(options.as));
        if (needs !== undefined) {
          const message =
            `only the requester or someone with one of these roles may abort ` +
            `${runId}: ${needs}`;
          await runtime.audit.append({
            type: 'request.refused',
            runId,
            actor: options.as,
            data: { ...origin, code: 'ABORT_NOT_ALLOWED', reason: message },
          });
          io.err(`${runId} not aborted: ${options.as} is not allowed (${message})`);
          io.exitCode(1);
          return;
        }
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
