import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { resolveRunLock } from '../../engine/index.js';
import { createRuntime } from '../../main.js';
import {
  createUndoRequest,
  findReversedSteps,
  findUndoInFlight,
  requireRunbookOf,
  UndoError,
} from '../../plan/index.js';
import type { CliIo } from '../cli-io.js';
import { checkMayRun } from './run-command.js';

interface UndoOptions {
  as: string;
  step?: string;
}

/**
 * `firebreak undo RUN [--step ID]`: starts a run of a generated runbook `undo-RUN` that
 * reverses the run's changes, newest first, each undo step behind an approval. Needs the
 * run's history, so REDIS_URL: in-process runs end with the process that started them.
 */
export function registerUndoCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('undo')
    .description("reverse a finished run's changes, newest first, through approvals")
    .argument('<run>', 'run id')
    .option('--step <id>', 'undo only this step')
    .option('--as <user>', 'who is asking (may not approve)', userInfo().username)
    .action(async (runId: string, options: UndoOptions) => {
      const runtime = await createRuntime(config);
      try {
        const run = await runtime.driver.getRun(runId);
        if (run === undefined) {
          const why = runtime.driver.durable
            ? `no run ${runId} is on record; list runs with firebreak runs`
            : `there is no run history to undo from: ` +
              `without REDIS_URL runs live only in the process that started them, ` +
              `and run ${runId} is not in this one; set REDIS_URL and start runs there`;
          throw new UndoError('UNDO_NO_RUN_HISTORY', why, { runId });
        }
        const runs = await runtime.driver.listRuns();
        const busy = findUndoInFlight(runId, runs);
        if (busy !== undefined) {
          throw new UndoError(
            'UNDO_IN_FLIGHT',
            `${busy.runId} is already undoing ${runId} (${busy.status}); let it finish, ` +
              `or firebreak abort ${busy.runId} --reason TEXT`,
            { runId },
          );
        }
        const runbook = requireRunbookOf(run, runtime.catalog);
        const undo = createUndoRequest(run, runtime.actions, {
          stepId: options.step,
          requester: options.as,
          permissions: runbook.permissions,
          reversed: findReversedSteps(runId, runs),
          lock: await resolveRunLock(runbook, run),
        });
        // Undoing acts like running: the original runbook's run roles apply, as in Slack.
        await checkMayRun(runtime, undo.runbook, options.as, `undo ${runId}`);
        const started = await runtime.driver.startRun(undo.request);
        const where = runtime.aws.simulated ? 'SIMULATED account' : 'REAL AWS';
        io.out(`${started.runId} started (${where}): ${undo.runbook.name} reverses ${run.runId}`);
        for (const { undoStepId, stepId } of undo.reverses) {
          io.out(
            `  ${undoStepId} undoes ${stepId}; approve with: firebreak approve ${started.runId} ${undoStepId} --as <user>`,
          );
        }
      } finally {
        await runtime.close();
      }
    });
}
