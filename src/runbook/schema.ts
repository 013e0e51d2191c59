import { z } from 'zod';
import { isDuration } from '../shared/index.js';

/** The four phases of incident response, in the order a run goes through them. */
export const PHASES = ['detect', 'contain', 'eradicate', 'recover'] as const;
export type Phase = (typeof PHASES)[number];

const identifier = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'expected letters, digits, "-" or "_", starting with a letter');

const duration = z.string().refine(isDuration, 'expected a duration such as 90s, 15m or 24h');

/** Input types a runbook may declare; AWS identifiers are checked by pattern. */
export const INPUT_TYPES = [
  'string',
  'number',
  'boolean',
  'enum',
  'list',
  'ec2-instance-id',
  'access-key-id',
  'arn',
  'account-id',
  'region',
] as const;
export type InputType = (typeof INPUT_TYPES)[number];

const inputSchema = z.strictObject({
  type: z.enum(INPUT_TYPES),
  description: z.string().optional(),
  default: z.unknown().optional(),
  required: z.boolean().optional(),
  values: z.array(z.string()).min(1).optional(),
});

const approvalSchema = z.strictObject({
  roles: z.array(identifier).min(1).optional(),
  min: z.number().int().min(1).default(1),
  deadline: duration.optional(),
  onDeadline: z.enum(['deny']).default('deny'),
});

const stepSchema = z.strictObject({
  id: identifier,
  name: z.string().optional(),
  action: z.string().min(1),
  with: z.record(z.string(), z.unknown()).optional(),
  if: z.string().optional(),
  approval: approvalSchema.optional(),
  timeout: duration.optional(),
  onFailure: z.enum(['abort', 'continue']).default('abort'),
});

const findingRuleSchema = z.strictObject({
  type: z.string().min(1),
  minSeverity: z.number().min(0).max(10).optional(),
  source: z.enum(['guardduty', 'securityhub']).optional(),
  resourceType: z.string().optional(),
});

const alarmRuleSchema = z.strictObject({
  name: z.string().min(1),
  state: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']).default('ALARM'),
  namespace: z.string().optional(),
  metric: z.string().optional(),
});

const triggerSchema = z
  .strictObject({
    finding: findingRuleSchema.optional(),
    alarm: alarmRuleSchema.optional(),
    command: identifier.optional(),
    inputs: z.record(z.string(), z.string()).optional(),
  })
  .refine(
    (t) => [t.finding, t.alarm, t.command].filter((v) => v !== undefined).length === 1,
    'a trigger names exactly one of finding, alarm or command',
  );

const phasesSchema = z.strictObject({
  detect: z.array(stepSchema).default([]),
  contain: z.array(stepSchema).default([]),
  eradicate: z.array(stepSchema).default([]),
  recover: z.array(stepSchema).default([]),
});

/** The runbook file format. `firebreak schema` prints it as JSON Schema. */
export const runbookSchema = z.strictObject({
  name: identifier,
  title: z.string().min(1),
  description: z.string().optional(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  owner: z.string().optional(),
  tags: z.array(z.string()).optional(),
  inputs: z.record(identifier, inputSchema).default({}),
  triggers: z.array(triggerSchema).default([]),
  permissions: z
    .strictObject({
      run: z.array(identifier).optional(),
      approve: z.array(identifier).optional(),
    })
    .optional(),
  lock: z.string().optional(),
  phases: phasesSchema,
});

export type RunbookDocument = z.output<typeof runbookSchema>;
export type StepDefinition = z.output<typeof stepSchema>;
export type ApprovalRule = z.output<typeof approvalSchema>;
export type TriggerRule = z.output<typeof triggerSchema>;
export type InputDefinition = z.output<typeof inputSchema>;
