import type { SimulatedAccountSeed } from '../../src/aws/index.js';

type FindingSeed = NonNullable<SimulatedAccountSeed['findings']>[number];

/**
 * Ids of the corpus findings the tests seed: GuardDuty's BitcoinTool.B!DNS finding
 * (`guardduty/eventbridge.guardduty-finding.CryptoCurrency-EC2-BitcoinTool.B-DNS...`) and
 * Security Hub's AFSBP EC2.7 finding
 * (`securityhub/eventbridge.securityhub-findings-imported.afsbp-ec2.7...`).
 */
export const FINDING_IDS = {
  detector: 'e2c1a19ae1a4e786e58e2a5abed1340a',
  guardDutyFinding: '92c1a1d65b221e96d6a6fae27aaaae43',
  guardDutyType: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
  instance: 'i-00aa97663294ffbbd',
  securityHubFinding:
    'arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06',
  securityHubProduct: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
  securityHubType:
    'Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices',
} as const;

/** The corpus GuardDuty finding, open unless `changes` say otherwise. */
export function guardDutyFindingSeed(changes: Partial<FindingSeed> = {}): FindingSeed {
  return {
    source: 'guardduty',
    detectorId: FINDING_IDS.detector,
    findingId: FINDING_IDS.guardDutyFinding,
    type: FINDING_IDS.guardDutyType,
    severity: 8,
    instanceId: FINDING_IDS.instance,
    updatedAt: '2024-01-01T00:05:00.000Z',
    ...changes,
  } as FindingSeed;
}

/** The corpus Security Hub finding, active and NEW unless `changes` say otherwise. */
export function securityHubFindingSeed(changes: Partial<FindingSeed> = {}): FindingSeed {
  return {
    source: 'securityhub',
    findingId: FINDING_IDS.securityHubFinding,
    productArn: FINDING_IDS.securityHubProduct,
    generatorId: 'aws-foundational-security-best-practices/v/1.0.0/EC2.7',
    types: [FINDING_IDS.securityHubType],
    title: 'EC2.7 EBS default encryption should be enabled',
    severityLabel: 'INFORMATIONAL',
    resources: [{ type: 'AwsAccount', id: 'AWS::::Account:111111111111' }],
    updatedAt: '2024-01-01T00:05:00.000Z',
    ...changes,
  } as FindingSeed;
}

/** An empty account holding the two corpus findings (or `findings`). */
export function createFindingSeed(
  findings: FindingSeed[] = [guardDutyFindingSeed(), securityHubFindingSeed()],
): SimulatedAccountSeed {
  return { accountId: '123456789012', region: 'us-east-1', findings };
}
