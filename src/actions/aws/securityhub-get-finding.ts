import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { securityHubProductArnSchema } from '../../aws/index.js';
import { securityHubSdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields } from './aws-input-schemas.js';

/** Workflow states in which a responder has closed the finding. */
const CLOSED_WORKFLOW_STATUSES: readonly string[] = ['RESOLVED', 'SUPPRESSED'];

const inputSchema = z.strictObject({
  /** The finding's ASFF `Id`: `trigger.findingId` of a Security Hub trigger. */
  findingId: z.string().min(1).max(512),
  /** The ASFF `ProductArn` of the finding: `trigger.productArn`. */
  productArn: securityHubProductArnSchema,
  ...awsStepFields,
});

/** Input of `aws.securityhub.getFinding`. */
export type GetSecurityHubFindingInput = z.output<typeof inputSchema>;

const outputSchema = z.object({
  found: z.boolean().describe('Security Hub returned the finding.'),
  active: z
    .boolean()
    .describe('Found, `RecordState` ACTIVE and `Workflow.Status` not RESOLVED or SUPPRESSED.'),
  recordState: z.string().optional().describe('`ACTIVE` or `ARCHIVED` (set by the provider).'),
  workflowStatus: z
    .string()
    .optional()
    .describe('`NEW`, `NOTIFIED`, `RESOLVED` or `SUPPRESSED` (set by responders).'),
  findingId: z.string(),
  productArn: z.string(),
  severityLabel: z.string().optional().describe('`INFORMATIONAL` to `CRITICAL`.'),
  updatedAt: z.string().optional().describe('When the provider last updated the finding (ISO).'),
  type: z.string().optional().describe("The first of the finding's `Types`."),
  title: z.string().optional(),
  resourceType: z.string().optional().describe("The first resource's type, e.g. `AwsEc2Instance`."),
});

/** What `aws.securityhub.getFinding` reports; only the ids and flags when nothing was found. */
export type GetSecurityHubFindingOutput = z.output<typeof outputSchema>;

function toOutput(finding: AwsSecurityFinding): Omit<GetSecurityHubFindingOutput, 'found'> {
  const recordState = finding.RecordState;
  const workflowStatus = finding.Workflow?.Status;
  const closed = CLOSED_WORKFLOW_STATUSES.includes(workflowStatus ?? '');
  return {
    active: recordState === 'ACTIVE' && !closed,
    recordState,
    workflowStatus,
    findingId: finding.Id ?? '',
    productArn: finding.ProductArn ?? '',
    severityLabel: finding.Severity?.Label,
    updatedAt: finding.UpdatedAt,
    type: finding.Types?.[0],
    title: finding.Title,
    resourceType: finding.Resources?.[0]?.Type,
  };
}

/**
 * `aws.securityhub.getFinding`: whether a Security Hub finding is still open (neither archived
 * by its provider nor resolved or suppressed by a responder), so that a runbook started by it
 * can stop before containment. A finding Security Hub does not know is `found: false`
 * (GetFindings answers an empty list), not an error. Read-only, so a second delivery is harmless.
 * @see https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetFindings.html
 */
export const securityHubGetFinding: ActionDefinition<
  GetSecurityHubFindingInput,
  GetSecurityHubFindingOutput
> = {
  id: 'aws.securityhub.getFinding',
  summary: 'Look a Security Hub finding up again: found, record state, workflow, still active',
  input: inputSchema,
  output: outputSchema,
  iamActions: ['securityhub:GetFindings'],
  mutating: false,
  idempotency: 'safe',

  async run(input, context) {
    const command = new securityHubSdk.GetFindingsCommand({
      Filters: {
        Id: [{ Value: input.findingId, Comparison: 'EQUALS' }],
        ProductArn: [{ Value: input.productArn, Comparison: 'EQUALS' }],
      },
      MaxResults: 1,
    });
    const result = await context.aws.securityHub().send(command);

    const finding = result.Findings?.find(
      (f) => f.Id === input.findingId && f.ProductArn === input.productArn,
    );
    if (finding !== undefined) return { found: true, ...toOutput(finding) };
    const { findingId, productArn } = input;
    return { found: false, active: false, findingId, productArn };
  },
};
