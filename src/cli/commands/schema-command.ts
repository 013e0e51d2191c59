import type { Command } from 'commander';
import { toRunbookJsonSchema } from '../../runbook/index.js';
import type { CliIo } from '../cli-io.js';

/** `firebreak schema`: the runbook JSON Schema, generated from the zod schema. */
export function registerSchemaCommand(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('print the runbook JSON Schema (for editors: docs/runbook.schema.json)')
    .action(() => {
      io.out(JSON.stringify(toRunbookJsonSchema(), null, 2));
    });
}
