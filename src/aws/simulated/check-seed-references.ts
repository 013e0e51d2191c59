import type { ResolvedSimulatedAccountSeed } from './seed-schema.js';

function findDuplicates(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}

/** A finding is one per detector (GuardDuty) or per product (Security Hub), as in AWS. */
function checkFindings(seed: ResolvedSimulatedAccountSeed): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  seed.findings.forEach((finding, f) => {
    const scope = finding.source === 'guardduty' ? finding.detectorId : finding.productArn;
    const key = `${finding.source} ${scope} ${finding.findingId}`;
    if (seen.has(key)) {
      issues.push(`findings.${f}.findingId: ${finding.findingId} is seeded twice in ${scope}`);
    }
    seen.add(key);
  });
  return issues;
}

/** Problems with references between seeded resources, as `path: message`; empty when none. */
export function checkSeedReferences(seed: ResolvedSimulatedAccountSeed): string[] {
  const issues: string[] = [];
  const groups = new Map(seed.securityGroups.map((g) => [g.groupId, g]));
  const subnets = new Map(seed.subnets.map((s) => [s.subnetId, s]));

  const allIds = [
    ...seed.vpcs.map((v) => v.vpcId),
    ...seed.subnets.map((s) => s.subnetId),
    ...seed.securityGroups.map((g) => g.groupId),
    ...seed.instances.map((i) => i.instanceId),
    ...seed.instances.flatMap((i) => i.networkInterfaces.map((n) => n.networkInterfaceId)),
    ...seed.instances.flatMap((i) => i.volumes.map((v) => v.volumeId)),
  ];
  for (const id of findDuplicates(allIds)) issues.push(`${id}: the id is used more than once`);

  seed.securityGroups.forEach((group, g) => {
    [...group.ingress, ...(group.egress ?? [])].forEach((rule) => {
      if (rule.sourceGroupId !== undefined && !groups.has(rule.sourceGroupId)) {
        issues.push(`securityGroups.${g}: rule names unknown source group ${rule.sourceGroupId}`);
      }
    });
  });
  seed.instances.forEach((instance, i) => {
    const subnet = subnets.get(instance.subnetId);
    if (subnet !== undefined && subnet.vpcId !== instance.vpcId) {
      issues.push(
        `instances.${i}.subnetId: subnet ${subnet.subnetId} is in ${subnet.vpcId}, not ${instance.vpcId}`,
      );
    }
    instance.networkInterfaces.forEach((eni, n) => {
      eni.securityGroupIds.forEach((groupId, k) => {
        const group = groups.get(groupId);
        const path = `instances.${i}.networkInterfaces.${n}.securityGroupIds.${k}`;
        if (group === undefined) issues.push(`${path}: unknown security group ${groupId}`);
        else if (group.vpcId !== instance.vpcId) {
          issues.push(`${path}: group ${groupId} is in ${group.vpcId}, not ${instance.vpcId}`);
        }
      });
    });
  });
  const instanceIds = new Set(seed.instances.map((i) => i.instanceId));
  seed.autoScalingGroups.forEach((group, g) => {
    [...group.instanceIds, ...group.standbyInstanceIds].forEach((id) => {
      if (!instanceIds.has(id)) issues.push(`autoScalingGroups.${g}: unknown instance ${id}`);
    });
  });
  issues.push(...checkFindings(seed));
  return issues;
}
