import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { isFinished } from '../../engine/index.js';
import { createRuntime } from '../../main.js';
import { FirebreakError } from '../../shared/index.js';
import type { CliIo } from '../cli-io.js';
import { formatRun, parseKeyValues } from '../format-run.js';

interface RunOptions {
  as: string;
  approveAs?: string;
}

/** `firebreak run RUNBOOK key=value...` on the in-process queue. */
export function registerRunCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('run')
    .description('start a runbook (in this process unless REDIS_URL is set)')
    .argument('<runbook>', 'runbook name')
    .argument('[inputs...]', 'inputs as key=value')
    .option('--as <user>', 'who is asking', userInfo().username)
    .option('--approve-as <user>', 'in-process only: give approvals as this user when asked')
    .option('--wait', 'wait for the run to finish (always so in-process)')
    .action(async (runbookId: string, pairs: string[], options: RunOptions) => {
      const runtime = await createRuntime(config);
      const { driver } = runtime;
      const started = await driver.startRun({
        runbookId,
        inputs: parseKeyValues(pairs),
        requester: options.as,
        trigger: { source: 'cli' },
      });
      io.out(`${started.runId} started (${runtime.aws.simulated ? 'SIMULATED account' : 'REAL AWS'})`);
      await runtime.close();

      for (;;) {
        const run = await driver.getRun(started.runId);
        if (!run) throw new FirebreakError('RUN_UNKNOWN', `run ${started.runId} vanished`);
        const waiting = run.steps.find((s) => s.status === 'awaiting_approval');
        if (isFinished(run) || !waiting || !options.approveAs) {
          io.out(formatRun(run));
          if (waiting) {
            io.out(
              `\n${run.runId} waits for approval of step ${waiting.id}. In-process runs end with this process: ` +
                `re-run with --approve-as <user>, or set REDIS_URL and use firebreak approve.`,
            );
          }
          if (run.status !== 'succeeded') io.exitCode(1);
          return;
        }
        const roles = runtime.roles.rolesOf(options.approveAs);
        const outcome = await driver.decide({
          runId: run.runId,
          stepId: waiting.id,
          by: options.approveAs,
          roles,
          decision: 'approve',
        });
        if (!outcome.accepted) {
          io.err(`approval refused: ${outcome.refusal.message}`);
          io.out(formatRun(run));
          io.exitCode(1);
          return;
        }
        io.out(`${waiting.id} approved by ${options.approveAs}`);
        await runtime.close();
      }
    });
}
