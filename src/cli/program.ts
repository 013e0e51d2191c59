import { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { describeError, FirebreakError } from '../shared/index.js';
import { createSnsRouteForRuntime } from '../triggers/index.js';
import { createProcessIo } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { registerApproveCommand } from './commands/approve-command.js';
import { registerAbortCommand } from './commands/abort-command.js';
import { registerAuditCommand } from './commands/audit-command.js';
import { registerAuditExportCommand } from './commands/audit-export-command.js';
import { registerIamPolicyCommand } from './commands/iam-policy-command.js';
import { registerPlanCommand } from './commands/plan-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerRunsCommand } from './commands/runs-command.js';
import { registerServeCommand } from './commands/serve-command.js';
import { registerSchemaCommand } from './commands/schema-command.js';
import { registerStatusCommand } from './commands/status-command.js';
import { registerTabletopCommand } from './commands/tabletop-command.js';
import { registerUndoCommand } from './commands/undo-command.js';
import { registerValidateCommand } from './commands/validate-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';

/** Builds the `firebreak` command. */
export function createProgram(io: CliIo, env: NodeJS.ProcessEnv = process.env): Command {
  const config = loadConfig(env);
  const program = new Command('firebreak')
    .description(
      'incident-response runbooks for AWS, with approvals and a tamper-evident audit log',
    )
    .showHelpAfterError();
  registerTabletopCommand(program, config, io);
  registerAuditCommand(program, config, io);
  registerAuditExportCommand(program, config, io);
  registerRunCommand(program, config, io);
  registerPlanCommand(program, config, io);
  registerUndoCommand(program, config, io);
  registerWorkerCommand(program, config, io);
  registerRunsCommand(program, config, io);
  registerStatusCommand(program, config, io);
  registerAbortCommand(program, config, io);
  registerApproveCommand(program, config, io);
  registerServeCommand(program, config, io, {
    createSnsHandler: (runtime, context) => createSnsRouteForRuntime(runtime, { env, ...context }),
  });
  registerValidateCommand(program, config, io);
  registerSchemaCommand(program, io);
  registerIamPolicyCommand(program, config, io);
  return program;
}

/** Runs the CLI; errors with a code print one clear line and exit 1. */
export async function main(argv: readonly string[], io: CliIo = createProcessIo()): Promise<void> {
  try {
    await createProgram(io).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    io.err(`error: ${describeCliError(error)}`);
    // Never the whole error object: a client error carries its request, tokens included.
    const stack = error instanceof Error ? error.stack : undefined;
    if (!(error instanceof FirebreakError) && stack !== undefined) {
      if (process.env['FIREBREAK_DEBUG']) io.err(stack);
      else if (!isSystemError(error))
        io.err('(unexpected; FIREBREAK_DEBUG=1 shows where it happened)');
    }
    io.exitCode(1);
  }
}

/** An operating system error (a file not found, a port in use): its message says it all. */
function isSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

function describeCliError(error: unknown): string {
  if ((error as { code?: unknown } | null)?.code === 'EADDRINUSE') {
    return `${describeError(error)}: another process listens there; choose another --port`;
  }
  return describeError(error);
}
