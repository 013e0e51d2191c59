import { VirtualClock, type Clock } from '../../shared/index.js';
import { SimulatedAccountSeedError, SimulatedOperationUnsupportedError } from '../errors.js';
import { checkSeedReferences } from './check-seed-references.js';
import { createInitialState } from './create-initial-state.js';
import { autoScalingOperations } from './auto-scaling.js';
import { cloudWatchOperations } from './cloudwatch.js';
import { initialConnectionState } from './connection-tracking.js';
import { ec2InstanceLifecycleOperations } from './ec2-instance-lifecycle.js';
import { ec2InstanceOperations } from './ec2-instances.js';
import { ec2NetworkAclOperations } from './ec2-network-acls.js';
import { iamOperations } from './iam.js';
import { ec2SecurityGroupOperations } from './ec2-security-groups.js';
import { ec2TagOperations } from './ec2-tags.js';
import { ec2VolumeOperations } from './ec2-volumes.js';
import { FaultInjector, type AwsServiceName, type FaultOptions } from './fault-injector.js';
import { guardDutyOperations } from './guardduty.js';
import { IdSequence } from './id-sequence.js';
import { simulatedAccountSeedSchema, type SimulatedAccountSeed } from './seed-schema.js';
import { securityHubOperations } from './securityhub.js';
import { snsOperations } from './sns.js';
import type {
  SimulatedAccountState,
  SimulatedPublishedMessage,
} from './simulated-account-state.js';
import type { SimulatedContext, SimulatedOperationTable } from './simulated-context.js';

/** Options for {@link SimulatedAccount}. */
export interface SimulatedAccountOptions {
  /**
   * The time stamped on what the account creates (snapshots, messages). Pass the run's or the
   * exercise's clock. Default: a clock frozen at the seed's `startTime`, so replays match.
   */
  clock?: Clock;
  /** Seed of the generator behind probabilistic faults. Default 1. */
  randomSeed?: number;
}

/** A simulated account's state and id counters, as plain JSON (see `exportState`). */
export interface SimulatedAccountSavedState {
  readonly state: SimulatedAccountState;
  readonly idCounters: Readonly<Record<string, number>>;
}

const OPERATIONS: Record<AwsServiceName, SimulatedOperationTable> = {
  ec2: {
    ...ec2InstanceOperations,
    ...ec2InstanceLifecycleOperations,
    ...ec2NetworkAclOperations,
    ...ec2SecurityGroupOperations,
    ...ec2VolumeOperations,
    ...ec2TagOperations,
  },
  sns: snsOperations,
  iam: iamOperations,
  cloudwatch: cloudWatchOperations,
  autoscaling: autoScalingOperations,
  guardduty: guardDutyOperations,
  securityhub: securityHubOperations,
};

function sortById<T>(items: readonly T[], idOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => idOf(a).localeCompare(idOf(b)));
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)]));
}

/**
 * An AWS account in memory that answers SDK calls with AWS's semantics and error codes. Dry
 * runs and tabletop exercises plug it into real SDK clients with
 * `createAwsClients({ simulatedAccount })`; nothing reaches the network.
 */
export class SimulatedAccount {
  readonly accountId: string;
  readonly region: string;
  private state: SimulatedAccountState;
  private readonly ids = new IdSequence();
  private readonly clock: Clock;
  private readonly faults: FaultInjector;

  constructor(seed: SimulatedAccountSeed = {}, options: SimulatedAccountOptions = {}) {
    const parsed = simulatedAccountSeedSchema.safeParse(seed);
    if (!parsed.success) {
      throw new SimulatedAccountSeedError(
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      );
    }
    const referenceIssues = checkSeedReferences(parsed.data);
    if (referenceIssues.length > 0) throw new SimulatedAccountSeedError(referenceIssues);

    this.accountId = parsed.data.accountId;
    this.region = parsed.data.region;
    this.clock = options.clock ?? new VirtualClock(Date.parse(parsed.data.startTime));
    this.faults = new FaultInjector(options.randomSeed ?? 1);
    this.state = createInitialState(parsed.data, this.ids);
    const context = this.context();
    for (const eni of this.state.networkInterfaces) {
      for (const connection of eni.connections) {
        connection.state = initialConnectionState(context, eni, connection);
      }
    }
  }

  /**
   * Answers one AWS call. `input` and the result are the SDK's shapes (the result without
   * `$metadata`). Throws {@link SimulatedAwsError} as AWS would fail, or
   * `SimulatedOperationUnsupportedError` for operations not simulated. A failed call changes
   * nothing.
   */
  async handle(service: AwsServiceName, operation: string, input: object): Promise<object> {
    const fault = this.faults.check(service, operation, this.accountId);
    if (fault?.delayMs !== undefined) await this.sleep(fault.delayMs);
    if (fault?.error !== undefined) throw fault.error;

    const run = OPERATIONS[service][operation];
    if (run === undefined) throw new SimulatedOperationUnsupportedError(service, operation);
    const before = structuredClone(this.state);
    try {
      return structuredClone(run(this.context(), input as never));
    } catch (error) {
      this.state = before;
      throw error;
    }
  }

  /** Whether {@link handle} implements `service:operation`. */
  supports(service: AwsServiceName, operation: string): boolean {
    return OPERATIONS[service][operation] !== undefined;
  }

  /** A new id of the form AWS gives request ids; deterministic. */
  nextRequestId(): string {
    return this.ids.nextUuid('request');
  }

  /** Makes matching calls fail (or slow down) until the fault is used up or cleared. */
  injectFault(options: FaultOptions): void {
    this.faults.add(options);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Messages published to SNS topics, oldest first; optionally those of one topic. */
  publishedMessages(topicArn?: string): SimulatedPublishedMessage[] {
    const messages = this.state.publishedMessages.filter(
      (m) => topicArn === undefined || m.topicArn === topicArn,
    );
    return structuredClone(messages);
  }

  /**
   * A deep, JSON-serialisable copy of the whole state, resources sorted by id and keys sorted,
   * so that two snapshots compare with `toEqual` or `JSON.stringify`. Published messages keep
   * their order. The id sequence is not part of it.
   */
  snapshot(): SimulatedAccountState {
    const s = this.state;
    const sorted: SimulatedAccountState = {
      ...s,
      vpcs: sortById(s.vpcs, (v) => v.vpcId),
      subnets: sortById(s.subnets, (v) => v.subnetId),
      securityGroups: sortById(s.securityGroups, (v) => v.groupId),
      instances: sortById(s.instances, (v) => v.instanceId),
      networkInterfaces: sortById(s.networkInterfaces, (v) => v.networkInterfaceId),
      volumes: sortById(s.volumes, (v) => v.volumeId),
      snapshots: sortById(s.snapshots, (v) => v.snapshotId),
      topics: sortById(s.topics, (v) => v.topicArn),
      networkAcls: sortById(s.networkAcls, (v) => v.networkAclId).map((acl) => ({
        ...acl,
        entries: [...acl.entries].sort(
          (a, b) => Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber,
        ),
      })),
      autoScalingGroups: sortById(s.autoScalingGroups, (v) => v.name),
      iam: {
        users: sortById(s.iam.users, (v) => v.userName),
        roles: sortById(s.iam.roles, (v) => v.roleName),
      },
      alarms: sortById(s.alarms, (v) => v.alarmName),
      findings: sortById(s.findings, (v) => `${v.source} ${v.findingId}`),
    };
    return sortKeysDeep(structuredClone(sorted)) as SimulatedAccountState;
  }

  /**
   * The live state and id counters, deep-copied, for stores that keep the account outside this
   * process (a Redis-backed account shared by several workers).
   */
  exportState(): SimulatedAccountSavedState {
    return structuredClone({ state: this.state, idCounters: this.ids.counters() });
  }

  /** Replaces the live state and id counters with saved ones (see {@link exportState}). */
  importState(saved: SimulatedAccountSavedState): void {
    const state = structuredClone(saved.state);
    // A state saved before findings were simulated has none.
    state.findings ??= [];
    this.state = state;
    this.ids.restore(saved.idCounters);
  }

  private context(): SimulatedContext {
    return {
      state: this.state,
      ids: this.ids,
      now: () => new Date(this.clock.now()).toISOString(),
    };
  }

  private sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.clock.setTimer(this.clock.now() + delayMs, resolve);
    });
  }
}
