import { FirebreakError } from '../shared/index.js';
import type { InputDefinition, InputType, RunbookDocument } from './schema.js';

/** Patterns for the AWS identifier input types. */
export const INPUT_PATTERNS: Partial<Record<InputType, RegExp>> = {
  'ec2-instance-id': /^i-[0-9a-f]{8}(?:[0-9a-f]{9})?$/,
  'access-key-id': /^(AKIA|ASIA)[A-Z0-9]{16}$/,
  arn: /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/,
  'account-id': /^\d{12}$/,
  region: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
};

/** A run's inputs that do not fit the runbook. */
export class RunInputError extends FirebreakError {
  constructor(runbookId: string, message: string) {
    super('RUN_INPUT_INVALID', `${runbookId}: ${message}`, { runbookId });
  }
}

function coerce(name: string, definition: InputDefinition, raw: unknown): unknown {
  const type = definition.type;
  if (type === 'number') {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(n))
      throw new Error(`input "${name}" must be a number, got "${String(raw)}"`);
    return n;
  }
  if (type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new Error(`input "${name}" must be true or false, got "${String(raw)}"`);
  }
  if (type === 'list') {
    if (Array.isArray(raw)) return raw;
    return String(raw)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (typeof raw !== 'string') throw new Error(`input "${name}" must be text, got ${typeof raw}`);
  if (type === 'enum' && !(definition.values ?? []).includes(raw)) {
    throw new Error(
      `input "${name}" must be one of ${(definition.values ?? []).join(', ')}, got "${raw}"`,
    );
  }
  const pattern = INPUT_PATTERNS[type];
  if (pattern && !pattern.test(raw)) {
    throw new Error(`input "${name}" must be a valid ${type}, got "${raw}"`);
  }
  return raw;
}

/**
 * Checks given inputs against a runbook's declarations: unknown names refused, defaults
 * applied, required ones present, AWS identifiers matched by pattern.
 */
export function resolveInputs(
  runbook: RunbookDocument,
  given: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const problems: string[] = [];
  const resolved: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(runbook.inputs, name)) {
      const known = Object.keys(runbook.inputs).join(', ') || 'none';
      problems.push(`unknown input "${name}" (inputs: ${known})`);
    }
  }
  for (const [name, definition] of Object.entries(runbook.inputs)) {
    const raw = (Object.hasOwn(given, name) ? given[name] : undefined) ?? definition.default;
    if (raw === undefined || raw === null || raw === '') {
      if (definition.required !== false)
        problems.push(`missing input "${name}" (${definition.type})`);
      continue;
    }
    try {
      resolved[name] = coerce(name, definition, raw);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new RunInputError(runbook.name, problems.join('; '));
  return resolved;
}
