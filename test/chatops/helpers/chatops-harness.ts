import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { awsActions } from '../../../src/actions/aws/index.js';
import { ActionRegistry, coreActions } from '../../../src/actions/index.js';
import { MemoryAuditLog } from '../../../src/audit/index.js';
import { createAwsClients, SimulatedAccount } from '../../../src/aws/index.js';
import type { AwsClients } from '../../../src/aws/index.js';
import { MemoryKeyValueStore } from '../../../src/chatops/index.js';
import type { SlackChatOpsOptions } from '../../../src/chatops/index.js';
import { RoleMap } from '../../../src/config/index.js';
import type { RunState } from '../../../src/engine/index.js';
import { InProcessDriver } from '../../../src/queue/index.js';
import { RunbookCatalog } from '../../../src/runbook/index.js';
import { createFirebreakServer } from '../../../src/server/index.js';
import type { FirebreakServer, FirebreakServerOptions } from '../../../src/server/index.js';
import {
  createSilentLogger,
  createSequentialIds,
  VirtualClock,
} from '../../../src/shared/index.js';
import { FakeSlackApi } from './fake-slack-api.js';

/** Signing secret of the test app. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789';

const CONTAIN_RUNBOOK = `
name: contain-test
title: Contain a test host
severity: high
inputs:
  target: { type: string, description: the host }
triggers:
  - command: contain
permissions: { run: [responder, ir-lead], approve: [ir-lead] }
phases:
  detect:
    - id: look
      action: note
      with: { text: "looking at \${{ inputs.target }}" }
  contain:
    - id: isolate
      action: note
      with: { text: "isolating \${{ inputs.target }}" }
      approval: { roles: [ir-lead], min: 1, deadline: 15m }
  recover:
    - id: record
      action: note
      with: { text: done }
`;

const TWO_KEY_RUNBOOK = `
name: two-key
title: Needs two approvers
severity: critical
inputs: {}
permissions: { run: [responder], approve: [ir-lead] }
phases:
  contain:
    - id: gate
      action: approval
      approval: { roles: [ir-lead], min: 2, deadline: 1h }
`;

/** A runbook whose second step reads an output of the first, so a plan cannot plan it. */
const TAG_QUARANTINE_RUNBOOK = `
name: tag-quarantine
title: Isolate, then tag the quarantine group
severity: high
inputs:
  instanceId: { type: ec2-instance-id, description: the instance }
permissions: { run: [responder, ir-lead], approve: [ir-lead] }
phases:
  contain:
    - id: isolate
      action: aws.ec2.isolateInstance
      with: { instanceId: "\${{ inputs.instanceId }}", reason: test }
      approval: { roles: [ir-lead] }
    - id: tag-group
      action: aws.ec2.tagResource
      with:
        resourceId: "\${{ steps.isolate.outputs.quarantineGroupId }}"
        tags: { Firebreak: quarantine }
`;

/** Everything a Slack test needs, on loopback, with a virtual clock for runs and pacing. */
export interface ChatOpsHarness {
  readonly slack: FakeSlackApi;
  readonly server: FirebreakServer;
  readonly driver: InProcessDriver;
  readonly catalog: RunbookCatalog;
  readonly audit: MemoryAuditLog;
  readonly clock: VirtualClock;
  /** The simulated account, with `simulatedAccount: true`. */
  readonly account?: SimulatedAccount;
  /** The Slack path of the server. */
  readonly slackUrl: string;
  readonly baseUrl: string;
  /** Now on the test clock, in Unix seconds (to sign requests with). */
  nowS(): number;
  /** Waits for runs and Slack calls to settle (not for timers: advance the clock for those). */
  settle(): Promise<void>;
  runs(): Promise<RunState[]>;
  close(): Promise<void>;
}

/** Options for {@link startChatOpsHarness}. */
export interface HarnessOptions {
  readonly minUpdateIntervalMs?: number;
  /**
   * Runs act on the shipped simulated account (config/simulated-account.yaml) with every
   * action, the shipped runbooks are loaded too, and `/ir plan` and `/ir undo` are set up.
   * Default: no AWS, core actions only, and plan and undo not set up.
   */
  readonly simulatedAccount?: boolean;
  /** Slack channel of runs not started from Slack (SLACK_CHANNEL); default none. */
  readonly defaultChannel?: string;
  /** More runbooks to load: file name to YAML text. */
  readonly runbookFiles?: Readonly<Record<string, string>>;
}

/** AWS clients on the shipped simulated account, with retries that do not sleep. */
function createSimulatedAws(clock: VirtualClock) {
  const seed = parse(readFileSync('config/simulated-account.yaml', 'utf8')) as never;
  const account = new SimulatedAccount(seed, { clock, randomSeed: 1 });
  const noSleep = async () => undefined;
  const aws = createAwsClients({
    region: account.region,
    simulatedAccount: account,
    simulatedRetry: { sleep: noSleep },
  });
  return { account, aws, actionRetry: { sleep: noSleep } };
}

const noAws = new Proxy({ simulated: true, region: 'us-east-1' } as AwsClients, {
  get(target, name) {
    if (name in target) return target[name as keyof AwsClients];
    return () => {
      throw new Error('these tests use no AWS');
    };
  },
});

export async function startChatOpsHarness(options: HarnessOptions = {}): Promise<ChatOpsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-chatops-'));
  writeFileSync(join(dir, 'contain-test.yaml'), CONTAIN_RUNBOOK);
  writeFileSync(join(dir, 'two-key.yaml'), TWO_KEY_RUNBOOK);
  const slack = new FakeSlackApi();
  await slack.start();

  const clock = new VirtualClock(Date.now());
  const logger = createSilentLogger();
  const audit = new MemoryAuditLog(clock);
  const simulated = options.simulatedAccount ? createSimulatedAws(clock) : undefined;
  if (simulated) writeFileSync(join(dir, 'tag-quarantine.yaml'), TAG_QUARANTINE_RUNBOOK);
  for (const [file, yaml] of Object.entries(options.runbookFiles ?? {})) {
    writeFileSync(join(dir, file), yaml);
  }
  const actions = new ActionRegistry(simulated ? [...coreActions, ...awsActions] : coreActions);
  const catalog = RunbookCatalog.load(simulated ? [dir, 'runbooks'] : [dir]);
  const roles = new RoleMap({
    'ir-lead': ['ULEAD', 'ULEAD2', 'SLEADS'],
    responder: ['UREQ', 'ULEAD'],
  });
  const driver = new InProcessDriver({
    catalog,
    actions,
    aws: simulated?.aws ?? noAws,
    audit,
    clock,
    logger,
    createRunId: createSequentialIds('run'),
    ...(simulated ? { actionRetry: simulated.actionRetry } : {}),
  });
  // createFirebreakServer hands its options on to createSlackChatOps; FirebreakServerOptions
  // does not name `actions` and `aws` yet (src/server is wired separately).
  const serverOptions: FirebreakServerOptions & Pick<SlackChatOpsOptions, 'actions' | 'aws'> = {
    slack: {
      signingSecret: TEST_SIGNING_SECRET,
      botToken: 'xoxb-test',
      command: '/ir',
      apiUrl: slack.url,
      defaultChannel: options.defaultChannel,
    },
    driver,
    catalog,
    roles,
    audit,
    clock,
    logger,
    simulated: true,
    store: new MemoryKeyValueStore(clock),
    minUpdateIntervalMs: options.minUpdateIntervalMs ?? 0,
    apiRetries: 0,
    collectProcessMetrics: false,
    ...(simulated ? { actions, aws: simulated.aws } : {}),
  };
  const server = createFirebreakServer(serverOptions);
  const port = await server.start(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;

  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await driver.idle();
      await server.chatops?.idle();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    slack,
    server,
    driver,
    catalog,
    audit,
    clock,
    account: simulated?.account,
    slackUrl: `${baseUrl}/slack/events`,
    baseUrl,
    nowS: () => Math.floor(clock.now() / 1000),
    settle,
    runs: () => driver.listRuns(),
    close: async () => {
      await server.stop();
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
