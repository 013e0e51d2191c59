import type {
  CreateTagsRequest,
  DeleteTagsRequest,
  DescribeTagsRequest,
  DescribeTagsResult,
  ResourceType,
  TagDescription,
} from '@aws-sdk/client-ec2';
import { requireTaggable } from './ec2-lookups.js';
import { matchesFilters } from './filters.js';
import { awsError } from './simulated-aws-error.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';
import type { SimulatedTags } from './simulated-account-state.js';

/** AWS's per-resource tag limit. */
const MAX_TAGS_PER_RESOURCE = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;

const RESOURCE_TYPES: Record<string, ResourceType> = {
  i: 'instance',
  sg: 'security-group',
  eni: 'network-interface',
  vol: 'volume',
  snap: 'snapshot',
  vpc: 'vpc',
  subnet: 'subnet',
  acl: 'network-acl',
};

function checkTag(key: string, value: string): void {
  if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
    throw awsError(
      'InvalidParameterValue',
      `Tag key must be between 1 and ${MAX_TAG_KEY_LENGTH} characters: '${key}'`,
    );
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw awsError(
      'InvalidParameterValue',
      `Tag keys starting with 'aws:' are reserved for internal use`,
    );
  }
  if (value.length > MAX_TAG_VALUE_LENGTH) {
    throw awsError(
      'InvalidParameterValue',
      `Tag value exceeds the maximum length of ${MAX_TAG_VALUE_LENGTH} characters`,
    );
  }
}

function allTaggables(context: SimulatedContext): { id: string; tags: SimulatedTags }[] {
  const { state } = context;
  return [
    ...state.instances.map((r) => ({ id: r.instanceId, tags: r.tags })),
    ...state.securityGroups.map((r) => ({ id: r.groupId, tags: r.tags })),
    ...state.networkInterfaces.map((r) => ({ id: r.networkInterfaceId, tags: r.tags })),
    ...state.volumes.map((r) => ({ id: r.volumeId, tags: r.tags })),
    ...state.snapshots.map((r) => ({ id: r.snapshotId, tags: r.tags })),
    ...state.vpcs.map((r) => ({ id: r.vpcId, tags: r.tags })),
    ...state.subnets.map((r) => ({ id: r.subnetId, tags: r.tags })),
  ];
}

/** The EC2 resource type of an id, from its prefix. */
export function resourceTypeOf(id: string): ResourceType | undefined {
  return RESOURCE_TYPES[id.split('-')[0] ?? ''];
}

/** Tag operations of the simulated EC2. */
export const ec2TagOperations = {
  CreateTags(context: SimulatedContext, input: CreateTagsRequest): object {
    const resources = (input.Resources ?? []).map((id) => requireTaggable(context, id));
    const tags = (input.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
    for (const { key, value } of tags) checkTag(key, value);
    for (const resource of resources) {
      const keys = new Set([...Object.keys(resource.tags), ...tags.map((t) => t.key)]);
      if (keys.size > MAX_TAGS_PER_RESOURCE) {
        throw awsError(
          'TagLimitExceeded',
          'The maximum number of Tags for a resource has been reached.',
        );
      }
    }
    for (const resource of resources) {
      for (const { key, value } of tags) resource.tags[key] = value;
    }
    return {};
  },

  DeleteTags(context: SimulatedContext, input: DeleteTagsRequest): object {
    const resources = (input.Resources ?? []).map((id) => requireTaggable(context, id));
    for (const resource of resources) {
      const doomed =
        input.Tags ?? Object.keys(resource.tags).map((key) => ({ Key: key, Value: undefined }));
      for (const tag of doomed) {
        const key = tag.Key ?? '';
        if (key.toLowerCase().startsWith('aws:')) continue;
        // With a value, AWS deletes the tag only when the value matches.
        if (tag.Value === undefined || resource.tags[key] === tag.Value) delete resource.tags[key];
      }
    }
    return {};
  },

  DescribeTags(context: SimulatedContext, input: DescribeTagsRequest): DescribeTagsResult {
    const descriptions: TagDescription[] = allTaggables(context).flatMap(({ id, tags }) =>
      Object.keys(tags)
        .sort()
        .map((key) => ({
          ResourceId: id,
          ResourceType: resourceTypeOf(id),
          Key: key,
          Value: tags[key],
        })),
    );
    const found = descriptions.filter((d) =>
      matchesFilters(input.Filters, (name) => {
        const values: Record<string, (string | undefined)[]> = {
          'resource-id': [d.ResourceId],
          'resource-type': [d.ResourceType],
          key: [d.Key],
          value: [d.Value],
        };
        return values[name];
      }),
    );
    return { Tags: found };
  },
} satisfies SimulatedOperationTable;
