import type { Finding } from '@aws-sdk/client-guardduty';
import { guardDutySdk } from '../../aws/lazy-sdk.js';
import { z } from 'zod';
import type { ActionDefinition } from '../types.js';
import { awsStepFields } from './aws-input-schemas.js';

/** GuardDuty's detector and finding ids: 1 to 300 characters (API reference). */
const guardDutyIdSchema = z.string().min(1).max(300);

const inputSchema = z.strictObject({
  /** The detector that reported the finding: `trigger.detectorId` of a GuardDuty trigger. */
  detectorId: guardDutyIdSchema,
  /** The finding: `trigger.findingId`. */
  findingId: guardDutyIdSchema,
  ...awsStepFields,
});

/** Input of `aws.guardduty.getFinding`. */
export type GetGuardDutyFindingInput = z.output<typeof inputSchema>;

const outputSchema = z.object({
  found: z.boolean().describe('GuardDuty returned the finding.'),
  active: z.boolean().describe('Found and not archived: the finding is still open.'),
  archived: z.boolean().describe('`Service.Archived`; false when not found.'),
  findingId: z.string(),
  detectorId: z.string(),
  type: z.string().optional().describe('The finding type, e.g. `Backdoor:EC2/Spambot`.'),
  severity: z.number().optional().describe('0-10, as GuardDuty reports it.'),
  title: z.string().optional(),
  updatedAt: z.string().optional().describe('When GuardDuty last updated the finding (ISO).'),
  resourceType: z.string().optional().describe('e.g. `Instance`, `AccessKey`.'),
  instanceId: z.string().optional().describe('The instance an `Instance` finding is about.'),
});

/** What `aws.guardduty.getFinding` reports; only the ids and flags when nothing was found. */
export type GetGuardDutyFindingOutput = z.output<typeof outputSchema>;

function toOutput(input: GetGuardDutyFindingInput, finding: Finding): GetGuardDutyFindingOutput {
  const archived = finding.Service?.Archived ?? false;
  return {
    found: true,
    active: !archived,
    archived,
    findingId: input.findingId,
    detectorId: input.detectorId,
    type: finding.Type,
    severity: finding.Severity,
    title: finding.Title,
    updatedAt: finding.UpdatedAt,
    resourceType: finding.Resource?.ResourceType,
    instanceId: finding.Resource?.InstanceDetails?.InstanceId,
  };
}

/**
 * `aws.guardduty.getFinding`: whether a GuardDuty finding is still open, so that a runbook
 * started by it can stop before containment when a responder has archived it since. A finding
 * GuardDuty does not know is `found: false` (GetFindings answers an empty list), not an error.
 * Read-only, so a second delivery is harmless.
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetFindings.html
 */
export const guardDutyGetFinding: ActionDefinition<
  GetGuardDutyFindingInput,
  GetGuardDutyFindingOutput
> = {
  id: 'aws.guardduty.getFinding',
  summary: 'Look a GuardDuty finding up again: found, archived, still active',
  input: inputSchema,
  output: outputSchema,
  iamActions: ['guardduty:GetFindings'],
  mutating: false,
  idempotency: 'safe',

  async run(input, context) {
    const command = new guardDutySdk.GetFindingsCommand({
      DetectorId: input.detectorId,
      FindingIds: [input.findingId],
    });
    const result = await context.aws.guardDuty().send(command);

    const finding = result.Findings?.find((f) => f.Id === input.findingId);
    if (finding !== undefined) return toOutput(input, finding);
    const { findingId, detectorId } = input;
    return { found: false, active: false, archived: false, findingId, detectorId };
  },
};
