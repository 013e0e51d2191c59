import { z } from 'zod';
import { coreActions } from '../../src/actions/index.js';
import type { ActionCatalog, ActionInfo } from '../../src/runbook/index.js';

const instanceId = z.string().regex(/^i-([0-9a-f]{8}|[0-9a-f]{17})$/, 'expected an instance id');

/**
 * Stand-ins for the AWS actions, with the ids and arguments runbooks use, so that the fixture
 * suite does not move when the real actions grow new options.
 */
const awsStandIns: ActionInfo[] = [
  {
    id: 'aws.ec2.describeInstance',
    summary: 'Describes an instance',
    input: z.strictObject({ instanceId }),
    output: z.object({ instanceId: z.string(), state: z.string(), vpcId: z.string() }),
    iamActions: ['ec2:DescribeInstances'],
    mutating: false,
  },
  {
    id: 'aws.ec2.isolateInstance',
    summary: 'Isolates an instance',
    input: z.strictObject({
      instanceId,
      reason: z.string().optional(),
      quarantineGroupName: z.string().optional(),
    }),
    iamActions: ['ec2:DescribeInstances', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:CreateTags'],
    mutating: true,
  },
  {
    id: 'aws.sns.publish',
    summary: 'Publishes to a topic',
    input: z.strictObject({
      topicArn: z.string(),
      subject: z.string().optional(),
      message: z.string(),
    }),
    iamActions: ['sns:Publish'],
    mutating: false,
  },
];

const all = [...coreActions, ...awsStandIns].sort((a, b) => a.id.localeCompare(b.id));

/** Core actions plus AWS stand-ins, as an {@link ActionCatalog}. */
export const fixtureActions: ActionCatalog = {
  find: (id) => all.find((a) => a.id === id),
  list: () => all,
};

/** The roles of config/roles.yaml. */
export const FIXTURE_ROLES = ['ir-lead', 'responder'];
