import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { createRuntime } from '../../main.js';
import { FirebreakError } from '../../shared/index.js';
import type { CliIo } from '../cli-io.js';

interface ApproveOptions {
  as: string;
  deny?: boolean;
  reason?: string;
}

/**
 * `firebreak approve RUN STEP --as USER`: an approval (or, with --deny, a denial) where Slack
 * is not connected. The same rules apply as in Slack: roles from the role map, never the
 * requester, once per person, not after the deadline. Every outcome is audited.
 */
export function registerApproveCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('approve')
    .description('approve (or --deny) a step waiting for approval, as a user of the role map')
    .argument('<run>', 'run id')
    .argument('<step>', 'step id')
    .requiredOption('--as <user>', 'who decides: a name or Slack user id from the role map')
    .option('--deny', 'deny instead of approve (with --reason)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action(async (runId: string, stepId: string, options: ApproveOptions) => {
      // A denial ends the run: the record says why, as a denial from Slack does.
      if (options.deny && !options.reason?.trim()) {
        throw new FirebreakError(
          'REASON_REQUIRED',
          'a denial needs a reason: add --reason "why" (it goes into the audit log)',
        );
      }
      const runtime = await createRuntime(config);
      const decision = options.deny ? 'deny' : 'approve';
      const roles = runtime.roles.rolesOf(options.as);
      // The name after --as is claimed, not proven: record who is really at the keyboard.
      const origin = { source: 'cli', osUser: userInfo().username, host: hostname() };
      const outcome = await runtime.driver.decide({
        runId,
        stepId,
        by: options.as,
        roles,
        decision,
        reason: options.reason,
        origin,
      });
      if (outcome.accepted) {
        io.out(
          `${stepId} of ${runId} ${decision === 'approve' ? 'approved' : 'denied'} by ${options.as}; run is ${outcome.state.status}`,
        );
        await runtime.close();
        return;
      }

      // The engine audits the refusals it decides; an unknown or finished run never reaches it.
      if (outcome.refusal.code === 'RUN_FINISHED' || outcome.state === undefined) {
        await runtime.audit.append({
          type: 'approval.refused',
          runId,
          stepId,
          actor: options.as,
          data: {
            ...origin,
            code: outcome.refusal.code,
            reason: outcome.refusal.message,
            decision,
          },
        });
      }
      const hint =
        outcome.state === undefined && !runtime.driver.durable
          ? ' In-process runs live only in the process that started them: set REDIS_URL so that runs are shared.'
          : '';
      io.err(`approval refused (${outcome.refusal.code}): ${outcome.refusal.message}.${hint}`);
      io.exitCode(1);
      await runtime.close();
    });
}
