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
  SimulatedFinding,
  SimulatedNetworkAclEntry,
  SimulatedNetworkInterface,
  SimulatedTags,
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

function autoScalingTag(seed: ResolvedSimulatedAccountSeed, instanceId: string): SimulatedTags {
  const group = seed.autoScalingGroups.find(
    (g) => g.instanceIds.includes(instanceId) || g.standbyInstanceIds.includes(instanceId),
  );
  // Auto Scaling tags its instances with this reserved tag.
  return group === undefined ? {} : { 'aws:autoscaling:groupName': group.name };
}

const DEFAULT_ACL_ENTRIES: SimulatedNetworkAclEntry[] = [false, true].flatMap((egress) => [
  { ruleNumber: 100, egress, protocol: '-1', ruleAction: 'allow' as const, cidrBlock: '0.0.0.0/0' },
]);

/** AWS's catch-all rule, shown as `*` in the console and numbered 32767 in the API. */
const CATCH_ALL_ENTRIES: SimulatedNetworkAclEntry[] = [false, true].map((egress) => ({
  ruleNumber: 32767,
  egress,
  protocol: '-1',
  ruleAction: 'deny' as const,
  cidrBlock: '0.0.0.0/0',
}));

function addNetworkAcls(
  seed: ResolvedSimulatedAccountSeed,
  state: SimulatedAccountState,
  ids: IdSequence,
) {
  for (const acl of seed.networkAcls) {
    const entries = acl.entries.map((e) => ({ ...e, protocol: normalizeProtocol(e.protocol) }));
    state.networkAcls.push({
      ...acl,
      entries: [...entries, ...CATCH_ALL_ENTRIES],
      tags: { ...acl.tags },
    });
  }
  for (const vpc of state.vpcs) {
    let acl = state.networkAcls.find((a) => a.vpcId === vpc.vpcId && a.isDefault);
    if (acl === undefined) {
      const networkAclId = ids.next('acl');
      const entries = [...DEFAULT_ACL_ENTRIES, ...CATCH_ALL_ENTRIES].map((e) => ({ ...e }));
      acl = { networkAclId, vpcId: vpc.vpcId, isDefault: true, subnetIds: [], entries, tags: {} };
      state.networkAcls.push(acl);
    }
    const associated = new Set(state.networkAcls.flatMap((a) => a.subnetIds));
    const loose = state.subnets.filter((s) => s.vpcId === vpc.vpcId && !associated.has(s.subnetId));
    acl.subnetIds.push(...loose.map((s) => s.subnetId));
  }
}

function toPolicies(
  policies: Record<string, string | Record<string, unknown>>,
): Record<string, string> {
  const entries = Object.entries(policies).map(([name, doc]) => [
    name,
    typeof doc === 'string' ? doc : JSON.stringify(doc),
  ]);
  return Object.fromEntries(entries);
}

function addIam(seed: ResolvedSimulatedAccountSeed, state: SimulatedAccountState, ids: IdSequence) {
  const uniqueId = (prefix: string) => `${prefix}${ids.next('iam').slice(4).toUpperCase()}`;
  state.iam.users = seed.iam.users.map((user) => ({
    userName: user.userName,
    userId: uniqueId('AIDA'),
    accessKeys: user.accessKeys.map((k) => ({ ...k, createDate: seed.startTime })),
    ...(user.consoleLogin
      ? { loginProfile: { createDate: seed.startTime, passwordResetRequired: false } }
      : {}),
    inlinePolicies: toPolicies(user.inlinePolicies),
    attachedPolicyArns: [...user.attachedPolicyArns],
  }));
  state.iam.roles = seed.iam.roles.map((role) => ({
    roleName: role.roleName,
    roleId: uniqueId('AROA'),
    inlinePolicies: toPolicies(role.inlinePolicies),
    attachedPolicyArns: [...role.attachedPolicyArns],
  }));
}

function addAutoScalingAndCloudWatch(
  seed: ResolvedSimulatedAccountSeed,
  state: SimulatedAccountState,
) {
  state.autoScalingGroups = seed.autoScalingGroups.map((g) => ({
    name: g.name,
    minSize: g.minSize,
    maxSize: g.maxSize,
    desiredCapacity: g.desiredCapacity ?? g.instanceIds.length,
    instances: [
      ...g.instanceIds.map((instanceId) => ({ instanceId, lifecycleState: 'InService' as const })),
      ...g.standbyInstanceIds.map((instanceId) => ({
        instanceId,
        lifecycleState: 'Standby' as const,
      })),
    ],
  }));
  state.alarms = seed.alarms.map((a) => ({
    ...a,
    stateUpdatedTimestamp: a.stateUpdatedTimestamp ?? seed.startTime,
    ...(a.metrics === undefined ? {} : { metrics: a.metrics.map((m) => ({ ...m })) }),
  }));
  state.metrics = seed.metrics.map((m) => ({ ...m, datapoints: [...m.datapoints] }));
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
      terminationProtection: instance.terminationProtection,
      consoleOutput: instance.consoleOutput,
      tags: { ...instance.tags, ...autoScalingTag(seed, instance.instanceId) },
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
        connections: eni.connections.map((c, n) => ({
          connectionId: `${eni.networkInterfaceId}/${n + 1}`,
          ...c,
          state: 'tracked' as const,
        })),
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

function toFindings(seed: ResolvedSimulatedAccountSeed): SimulatedFinding[] {
  return seed.findings.map((finding) => {
    const createdAt = finding.createdAt ?? seed.startTime;
    const times = { createdAt, updatedAt: finding.updatedAt ?? createdAt };
    if (finding.source === 'guardduty') {
      return { ...finding, title: finding.title ?? finding.type, ...times };
    }
    const resources = finding.resources.map((r) => ({ ...r }));
    const title = finding.title ?? finding.types[0] ?? finding.findingId;
    return { ...finding, types: [...finding.types], resources, title, ...times };
  });
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
    networkAcls: [],
    topics: seed.topics.map((t) => ({ topicArn: t.topicArn, tags: { ...t.tags } })),
    publishedMessages: [],
    autoScalingGroups: [],
    iam: { users: [], roles: [] },
    alarms: [],
    metrics: [],
    findings: toFindings(seed),
  };
  addMissingNetworks(seed, state);
  addNetworkAcls(seed, state, ids);
  addInstances(seed, state);
  addIam(seed, state, ids);
  addAutoScalingAndCloudWatch(seed, state);
  return state;
}
