import { performance } from 'node:perf_hooks';
import { createActionRegistry } from '../src/main.js';
import { validateRunbookText } from '../src/runbook/index.js';

/** How many generated runbooks one run of the benchmark validates. */
const RUNBOOK_COUNT = 1000;

/** A realistic runbook: three inputs, two triggers, eight steps over four phases. */
function generateRunbook(index: number): string {
  return `name: generated-${index}
title: Generated runbook ${index}
severity: ${['low', 'medium', 'high', 'critical'][index % 4]}
inputs:
  instanceId: { type: ec2-instance-id, description: the suspect instance }
  reason: { type: string, default: "bench ${index}" }
  topicArn: { type: arn, default: "arn:aws:sns:us-east-1:123456789012:ir-${index}" }
triggers:
  - finding: { type: "Backdoor:EC2/*", minSeverity: ${index % 10} }
    inputs: { instanceId: "\${{ trigger.instanceIds[0] }}" }
  - command: contain-${index}
permissions: { run: [responder], approve: [ir-lead] }
lock: "\${{ inputs.instanceId }}"
phases:
  detect:
    - id: describe
      action: aws.ec2.describeInstance
      with: { instanceId: "\${{ inputs.instanceId }}" }
      retry: { attempts: 3 }
    - id: facts
      action: note
      with: { text: "\${{ steps.describe.outputs.state }} in \${{ steps.describe.outputs.vpcId }}" }
  contain:
    - id: evidence
      action: aws.ec2.snapshotVolumes
      with: { instanceId: "\${{ inputs.instanceId }}", description: "run \${{ run.id }}" }
      approval: { roles: [ir-lead], deadline: 15m }
    - id: isolate
      action: aws.ec2.isolateInstance
      with: { instanceId: "\${{ inputs.instanceId }}", reason: "\${{ inputs.reason }}" }
      approval: { roles: [ir-lead], min: 1, deadline: 15m }
    - id: tell
      action: aws.sns.publish
      with:
        topicArn: "\${{ inputs.topicArn }}"
        message: "isolated \${{ $join(steps.evidence.outputs.snapshots.snapshotId, ', ') }}"
  eradicate:
    - id: guidance
      action: note
      with: { text: "rebuild \${{ $substring(inputs.reason, ${index % 50}) }}" }
  recover:
    - id: restore-evidence
      action: note
      with: { text: "\${{ $string(steps.evidence.outputs) }}" }
    - id: restore
      action: note
      with: { text: "\${{ $string(steps.isolate.outputs.previousGroups) }}" }
`;
}

const actions = createActionRegistry();
const roles = ['ir-lead', 'responder'];
const texts = Array.from({ length: RUNBOOK_COUNT }, (_, i) => generateRunbook(i));

const started = performance.now();
let problems = 0;
for (const [i, text] of texts.entries()) {
  problems += validateRunbookText(`generated-${i}.yaml`, text, { actions, roles }).problems.length;
}
const elapsedMs = performance.now() - started;

console.log(
  `validated ${RUNBOOK_COUNT} runbooks in ${elapsedMs.toFixed(0)} ms (${problems} problems)`,
);
console.log(`runbooks_per_s=${Math.round((RUNBOOK_COUNT / elapsedMs) * 1000)}`);
