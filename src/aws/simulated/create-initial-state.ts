import type { IdSequence } from './id-sequence.js';
import type { ResolvedSimulatedAccountSeed, SimulatedRuleSeed } from './seed-schema.js';
import {
  DEFAULT_EGRESS_RULE,
  normalizePorts,
  normalizeProtocol,
  type RuleSpec,
} from './security-group-rules.js';
import type {
  SimulatedAccountState,
  SimulatedNetworkInterface,
  SimulatedRule,
  SimulatedSecurityGroup,
} from './simulated-account-state.js';

function toRuleSpec(seed: SimulatedRuleSeed): RuleSpec {
  const protocol = normalizeProtocol(seed.protocol);
  const ports = normalizePorts(protocol, seed.fromPort ?? seed.port, seed.toPort ?? seed.port);
  const peer =
    seed.cidr === undefined
      ? { sourceGroupId: seed.sourceGroupId }
      : seed.cidr.includes(':')
        ? { cidrIpv6: seed.cidr }
        : { cidrIpv4: seed.cidr };
  const description = seed.description === undefined ? {} : { description: seed.description };
  return { protocol, ...ports, ...peer, ...description };
}

function withIds(ids: IdSequence, specs: readonly RuleSpec[]): SimulatedRule[] {
  return specs.map((spec) => ({ ruleId: ids.next('sgr'), ...spec }));
}

function addMissingNetworks(
  seed: ResolvedSimulatedAccountSeed,
  state: SimulatedAccountState,
): void {
  const subnetVpcs = new Map<string, string>();
  for (const instance of seed.instances) {
    subnetVpcs.set(instance.subnetId, instance.vpcId);
    for (const eni of instance.networkInterfaces) {
      if (eni.subnetId !== undefined) subnetVpcs.set(eni.subnetId, instance.vpcId);
    }
  }
  for (const [subnetId, vpcId] of subnetVpcs) {
    if (state.subnets.some((s) => s.subnetId === subnetId)) continue;
    const cidrBlock = `10.0.${state.subnets.length}.0/24`;
    const availabilityZone = `${seed.region}a`;
    state.subnets.push({ subnetId, vpcId, cidrBlock, availabilityZone, tags: {} });
  }
  const vpcIds = [...state.subnets.map((s) => s.vpcId), ...seed.securityGroups.map((g) => g.vpcId)];
  for (const vpcId of vpcIds) {
    if (state.vpcs.some((v) => v.vpcId === vpcId)) continue;
    state.vpcs.push({ vpcId, cidrBlock: '10.0.0.0/16', isDefault: false, tags: {} });
  }
}

function toSecurityGroup(
  ids: IdSequence,
  group: ResolvedSimulatedAccountSeed['securityGroups'][number],
): SimulatedSecurityGroup {
  const egress = group.egress === undefined ? [DEFAULT_EGRESS_RULE] : group.egress.map(toRuleSpec);
  return {
    groupId: group.groupId,
    groupName: group.groupName,
    vpcId: group.vpcId,
    description: group.description ?? group.groupName,
    ingress: withIds(ids, group.ingress.map(toRuleSpec)),
    egress: withIds(ids, egress),
    tags: { ...group.tags },
  };
}

function addInstances(seed: ResolvedSimulatedAccountSeed, state: SimulatedAccountState): void {
  let addressCount = 0;
  for (const instance of seed.instances) {
    state.instances.push({
      instanceId: instance.instanceId,
      instanceType: instance.instanceType,
      state: instance.state,
      vpcId: instance.vpcId,
      subnetId: instance.subnetId,
      imageId: instance.imageId,
      launchTime: instance.launchTime ?? seed.startTime,
      tags: { ...instance.tags },
    });
    instance.networkInterfaces.forEach((eni, deviceIndex) => {
      const networkInterface: SimulatedNetworkInterface = {
        networkInterfaceId: eni.networkInterfaceId,
        subnetId: eni.subnetId ?? instance.subnetId,
        vpcId: instance.vpcId,
        privateIpAddress: eni.privateIpAddress ?? `10.0.0.${10 + addressCount++}`,
        groupIds: [...eni.securityGroupIds],
        attachment: { instanceId: instance.instanceId, deviceIndex },
        tags: { ...eni.tags },
      };
      state.networkInterfaces.push(networkInterface);
    });
    const availabilityZone =
      state.subnets.find((s) => s.subnetId === instance.subnetId)?.availabilityZone ??
      `${seed.region}a`;
    for (const volume of instance.volumes) {
      state.volumes.push({
        volumeId: volume.volumeId,
        sizeGiB: volume.sizeGiB,
        volumeType: volume.volumeType,
        availabilityZone,
        createTime: instance.launchTime ?? seed.startTime,
        attachment: {
          instanceId: instance.instanceId,
          deviceName: volume.deviceName,
          deleteOnTermination: volume.deleteOnTermination,
        },
        tags: { ...volume.tags },
      });
    }
  }
}

/** Builds a simulated account's state from a validated seed. */
export function createInitialState(
  seed: ResolvedSimulatedAccountSeed,
  ids: IdSequence,
): SimulatedAccountState {
  const state: SimulatedAccountState = {
    accountId: seed.accountId,
    region: seed.region,
    vpcs: seed.vpcs.map((v) => ({ ...v, tags: { ...v.tags } })),
    subnets: seed.subnets.map((s) => ({
      subnetId: s.subnetId,
      vpcId: s.vpcId,
      cidrBlock: s.cidrBlock ?? `10.0.${seed.subnets.indexOf(s)}.0/24`,
      availabilityZone: s.availabilityZone ?? `${seed.region}a`,
      tags: { ...s.tags },
    })),
    securityGroups: seed.securityGroups.map((g) => toSecurityGroup(ids, g)),
    instances: [],
    networkInterfaces: [],
    volumes: [],
    snapshots: [],
    topics: seed.topics.map((t) => ({ topicArn: t.topicArn, tags: { ...t.tags } })),
    publishedMessages: [],
  };
  addMissingNetworks(seed, state);
  addInstances(seed, state);
  return state;
}
