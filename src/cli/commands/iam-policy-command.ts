import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { createActionRegistry } from '../../main.js';
import { deriveIamPolicy, formatProblem, validateRunbookFiles } from '../../runbook/index.js';
import type { RunbookDocument } from '../../runbook/index.js';
import type { CliIo } from '../cli-io.js';

/** `firebreak iam-policy [paths...]`: the least-privilege policy the bot's role needs. */
export function registerIamPolicyCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('iam-policy')
    .description('print the minimal IAM policy document for the given runbooks')
    .argument('[paths...]', 'runbook files and folders', config.runbookPaths)
    .option('--with-undo', 'also grant what firebreak undo of their steps needs')
    .action((paths: string[], options: { withUndo?: boolean }) => {
      const actions = createActionRegistry();
      const validations = validateRunbookFiles(paths, { actions });
      const errors = validations.flatMap((v) => v.problems).filter((p) => p.severity === 'error');
      if (errors.length > 0) {
        // A policy from runbooks that do not validate could miss what they need.
        for (const problem of errors) io.err(formatProblem(problem));
        io.err('no policy printed: fix the errors above (firebreak validate shows them all)');
        io.exitCode(1);
        return;
      }
      const runbooks = validations
        .map((v) => v.runbook)
        .filter((r): r is RunbookDocument => r !== undefined);
      const policy = deriveIamPolicy(runbooks, actions, { includeUndo: options.withUndo });
      io.out(JSON.stringify(policy, null, 2));
    });
}
