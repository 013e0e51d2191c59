import { z } from 'zod';

/** The four phases of incident response, in the order a run goes through them. */
export const PHASES = ['detect', 'contain', 'eradicate', 'recover'] as const;
export type Phase = (typeof PHASES)[number];

const identifier = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]*$/,
    'expected letters, digits, "-" or "_", starting with a letter',
  );

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'expected a duration such as 90s, 15m or 24h');

const template = z.string().describe('Text that may hold `${{ JSONata }}` templates.');

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

/** Security Hub severity labels, lowest first. */
export const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** Error kinds a `retry.on` list may name besides exact error codes. */
export const RETRYABLE_KINDS = ['throttled', 'transient', 'server', 'client', 'timeout'] as const;

const inputSchema = z
  .strictObject({
    type: z.enum(INPUT_TYPES).describe('Value type; AWS identifier types are checked by pattern.'),
    description: z.string().optional().describe('What the input is for, shown in Slack and docs.'),
    default: z.unknown().optional().describe('Value used when a run gives none.'),
    required: z.boolean().optional().describe('Whether a run must give it; default true.'),
    values: z.array(z.string()).min(1).optional().describe('Allowed values of an `enum` input.'),
  })
  .superRefine((input, context) => {
    if (input.type === 'enum' && input.values === undefined) {
      context.addIssue({ code: 'custom', path: ['type'], message: 'an enum input needs `values`' });
    }
    if (input.type !== 'enum' && input.values !== undefined) {
      const message = `\`values\` only applies to enum inputs, not ${input.type}`;
      context.addIssue({ code: 'custom', path: ['values'], message });
    }
  });

const approvalSchema = z
  .strictObject({
    roles: z
      .array(identifier)
      .min(1)
      .optional()
      .describe('Roles that may approve; default `permissions.approve`.'),
    min: z.number().int().min(1).default(1).describe('Distinct approvers needed; default 1.'),
    deadline: duration
      .optional()
      .describe('How long to wait for approvers, e.g. 15m; without one the run waits forever.'),
    onDeadline: z
      .enum(['deny', 'escalate'])
      .default('deny')
      .describe(
        'At the deadline: deny (default) or escalate to `escalateTo` for one more deadline.',
      ),
    escalateTo: identifier
      .optional()
      .describe('Role asked when the deadline passes with `onDeadline: escalate`.'),
  })
  .superRefine((approval, context) => {
    if (approval.onDeadline === 'escalate' && approval.escalateTo === undefined) {
      const message = '`onDeadline: escalate` needs `escalateTo` (the fallback role)';
      context.addIssue({ code: 'custom', path: ['onDeadline'], message });
    }
    if (approval.onDeadline === 'escalate' && approval.deadline === undefined) {
      const message = '`onDeadline: escalate` needs a `deadline`';
      context.addIssue({ code: 'custom', path: ['onDeadline'], message });
    }
  });

const retrySchema = z.strictObject({
  attempts: z
    .number()
    .int()
    .min(1)
    .max(20)
    .describe('Most attempts in all, the first included; e.g. 3.'),
  backoff: z
    .enum(['fixed', 'exponential'])
    .default('exponential')
    .describe('Delay growth between attempts; default exponential (doubling).'),
  delay: duration.default('2s').describe('Delay before the second attempt; default 2s.'),
  maxDelay: duration.default('1m').describe('Longest delay between attempts; default 1m.'),
  on: z
    .array(z.string().min(1))
    .min(1)
    .default(['throttled', 'transient', 'server', 'timeout'])
    .describe(
      'What to retry: error kinds (throttled, transient, server, client, timeout) or exact error codes; default throttled, transient, server and timeout.',
    ),
});

const compensateSchema = z.strictObject({
  compensate: z
    .array(identifier)
    .min(1)
    .describe('Ids of steps under `compensation` to run, in order, before the run fails.'),
});

const stepSchema = z
  .strictObject({
    id: identifier.describe('Unique step id; later steps read `steps.<id>.outputs`.'),
    name: z.string().optional().describe('Human title shown in Slack.'),
    action: z.string().min(1).describe('Action id, e.g. `aws.ec2.isolateInstance` or `note`.'),
    with: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The action's arguments; values may be templates."),
    if: z
      .string()
      .optional()
      .describe('Condition (JSONata, bare or in `${{ }}`); the step is skipped when false.'),
    forEach: template
      .optional()
      .describe(
        'A template giving a list: the action runs once per element (`item`, `index` in expressions) and `outputs` is the list of results.',
      )
      .meta({ experimental: true }),
    retry: retrySchema.optional().describe('Retry policy for failed attempts.'),
    timeout: duration.optional().describe('Longest one attempt may take, e.g. 2m.'),
    onFailure: z
      .union([z.enum(['abort', 'continue']), compensateSchema], {
        error: 'expected abort, continue or { compensate: [step ids] }',
      })
      .default('abort')
      .describe('abort (default), continue, or `{ compensate: [step ids] }`.'),
    approval: approvalSchema.optional().describe('Human approval needed before the action runs.'),
    outputs: z
      .record(identifier, template)
      .optional()
      .describe(
        'Names for what later steps see as `steps.<id>.outputs`: each a template over `result` (the action output).',
      ),
  })
  .meta({ id: 'Step', description: 'One step: an action, its arguments and how it runs.' });

const findingRuleSchema = z.strictObject({
  type: z.string().min(1).describe('Finding type glob or /regex/, e.g. `CryptoCurrency:EC2/*`.'),
  minSeverity: z.number().min(0).max(10).optional().describe('Lowest numeric severity (0-10).'),
  source: z.enum(['guardduty', 'securityhub']).optional().describe('Only from this service.'),
  resourceType: z.string().optional().describe('Resource type glob, e.g. `Instance`.'),
  severityLabel: z
    .array(z.enum(SEVERITY_LABELS))
    .min(1)
    .optional()
    .describe('Security Hub severity labels that match, e.g. [HIGH, CRITICAL].'),
  product: z
    .string()
    .optional()
    .describe('Security Hub product name or ARN glob, e.g. `GuardDuty`.'),
});

const alarmRuleSchema = z.strictObject({
  name: z.string().min(1).describe('Alarm name glob or /regex/.'),
  state: z
    .enum(['ALARM', 'OK', 'INSUFFICIENT_DATA'])
    .default('ALARM')
    .describe('New alarm state; default ALARM.'),
  namespace: z.string().optional().describe('Metric namespace, e.g. `AWS/EC2`.'),
  metric: z.string().optional().describe('Metric name, e.g. `CPUUtilization`.'),
});

const triggerSchema = z
  .strictObject({
    finding: findingRuleSchema
      .optional()
      .describe('Starts on a GuardDuty or Security Hub finding.'),
    alarm: alarmRuleSchema.optional().describe('Starts on a CloudWatch alarm state change.'),
    command: identifier.optional().describe('Slack alias: `/ir <command> key=value`.'),
    inputs: z
      .record(z.string(), template)
      .optional()
      .describe('Input name to template over `trigger` (the parsed alarm or finding).'),
    incidentKey: template
      .optional()
      .describe(
        'Template over `trigger` naming the incident; messages with the same key start one run. Default: alarm account, region and name, or the finding id.',
      )
      .meta({ experimental: true }),
    dedupeWindow: duration
      .optional()
      .describe(
        'How long after a run starts further messages for its incident key become notes on it, e.g. 1h; default 1h.',
      )
      .meta({ experimental: true }),
  })
  .refine(
    (t) => [t.finding, t.alarm, t.command].filter((v) => v !== undefined).length === 1,
    'a trigger names exactly one of finding, alarm or command',
  );

const stepList = z.array(stepSchema).default([]);

const phasesSchema = z.strictObject({
  detect: stepList.describe('Gather facts.'),
  contain: stepList.describe('Stop the spread.'),
  eradicate: stepList.describe('Remove the cause.'),
  recover: stepList.describe('Return to normal.'),
});

/** The runbook file format. `firebreak schema` prints it as JSON Schema. */
export const runbookSchema = z
  .strictObject({
    name: identifier.describe('Unique runbook name, used by `/ir run <name>`.'),
    title: z.string().min(1).describe('One-line title.'),
    description: z.string().optional().describe('What the runbook does and when to use it.'),
    severity: z.enum(['low', 'medium', 'high', 'critical']).describe('Incident severity.'),
    owner: z.string().optional().describe('Team that maintains the runbook.'),
    tags: z.array(z.string()).optional().describe('Free-form tags for search.'),
    inputs: z.record(identifier, inputSchema).default({}).describe('Typed inputs, by name.'),
    triggers: z.array(triggerSchema).default([]).describe('What starts a run besides `/ir run`.'),
    permissions: z
      .strictObject({
        run: z.array(identifier).optional().describe('Roles that may start a run.'),
        approve: z.array(identifier).optional().describe('Default approver roles.'),
      })
      .optional()
      .describe('Roles from the role map (config/roles.yaml).'),
    lock: template
      .optional()
      .describe('Resource key two runs may not act on at once, e.g. `${{ inputs.instanceId }}`.'),
    lockMode: z
      .enum(['wait', 'refuse'])
      .default('wait')
      .describe('When another run holds the lock: `wait` in line (default) or `refuse` the run.'),
    phases: phasesSchema.describe('Steps, phase by phase, run in order.'),
    compensation: stepList.describe(
      'Steps that run only when a step names them in `onFailure.compensate`.',
    ),
  })
  .describe('A firebreak incident-response runbook.');

export type RunbookDocument = z.output<typeof runbookSchema>;
export type StepDefinition = z.output<typeof stepSchema>;
export type ApprovalRule = z.output<typeof approvalSchema>;
export type RetryRule = z.output<typeof retrySchema>;
export type TriggerRule = z.output<typeof triggerSchema>;
export type InputDefinition = z.output<typeof inputSchema>;

/** The runbook JSON Schema (draft 2020-12), for editors and `firebreak schema`. */
export function toRunbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runbookSchema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return {
    ...schema,
    $id: 'https://firebreak.dev/runbook.schema.json',
    title: 'firebreak runbook',
  };
}
