import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { RoleMap } from '../../config/index.js';
import type { Config } from '../../config/index.js';
import { createActionRegistry } from '../../main.js';
import { formatProblem, validateRunbookFiles } from '../../runbook/index.js';
import { FirebreakError } from '../../shared/index.js';
import type { RunbookValidation } from '../../runbook/index.js';
import type { CliIo } from '../cli-io.js';

interface ValidateOptions {
  roles?: string;
}

/** The role names to check runbooks against: `--roles FILE`, else the configured file if present. */
function loadRoleNames(config: Config, file: string | undefined) {
  if (file !== undefined && !existsSync(file)) {
    throw new FirebreakError('ROLES_FILE_MISSING', `role map ${file} does not exist (--roles)`);
  }
  const path = file ?? (existsSync(config.rolesFile) ? config.rolesFile : undefined);
  if (path === undefined) return { roles: undefined, rolesSource: undefined };
  return { roles: RoleMap.load(path).roles(), rolesSource: path };
}

/** Validates runbooks with the actions this build knows; the I/O edge of `validateRunbookFiles`. */
export function validateForCli(paths: readonly string[], config: Config, rolesFile?: string) {
  const actions = createActionRegistry();
  return validateRunbookFiles(paths, { actions, ...loadRoleNames(config, rolesFile) });
}

function summarize(validations: readonly RunbookValidation[]): string {
  const problems = validations.flatMap((v) => v.problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  return `${validations.length} runbook(s): ${errors} error(s), ${warnings} warning(s)`;
}

/** `firebreak validate [paths...] [--roles FILE]` */
export function registerValidateCommand(program: Command, config: Config, io: CliIo): void {
  program
    .command('validate')
    .description('check runbooks before any run; prints every problem as file:line:column')
    .argument('[paths...]', 'runbook files and folders', config.runbookPaths)
    .option(
      '--roles <file>',
      `role map to check role names against (default ${config.rolesFile} when it exists)`,
    )
    .action((paths: string[], options: ValidateOptions) => {
      const validations = validateForCli(paths, config, options.roles);
      for (const validation of validations) {
        for (const problem of validation.problems) io.out(formatProblem(problem));
      }
      io.out(summarize(validations));
      const failed = validations.some((v) => v.problems.some((p) => p.severity === 'error'));
      if (failed) io.exitCode(1);
    });
}
