import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ActionRegistry, coreActions } from './actions/index.js';
import { awsActions } from './actions/aws/index.js';
import { FileAuditLog } from './audit/index.js';
import type { AuditSink } from './audit/index.js';
import { createAwsClients, SimulatedAccount } from './aws/index.js';
import type { AwsClients } from './aws/index.js';
import { RoleMap } from './config/index.js';
import type { Config } from './config/index.js';
import type { RunDriver } from './engine/index.js';
import { InProcessDriver } from './queue/index.js';
import { RunbookCatalog } from './runbook/index.js';
import { createLogger, createSystemClock } from './shared/index.js';
import type { Clock, Logger } from './shared/index.js';

/** Everything a firebreak process needs, wired once. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly catalog: RunbookCatalog;
  readonly actions: ActionRegistry;
  readonly aws: AwsClients;
  /** The simulated account, when runs act on one. */
  readonly simulatedAccount?: SimulatedAccount;
  readonly audit: AuditSink;
  readonly roles: RoleMap;
  readonly driver: RunDriver;
  close(): Promise<void>;
}

/** Options for {@link createRuntime}: seams for tests. */
export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
}

/** Every action this build knows. */
export function createActionRegistry(): ActionRegistry {
  return new ActionRegistry([...coreActions, ...awsActions]);
}

function createAws(config: Config, clock: Clock): { aws: AwsClients; account?: SimulatedAccount } {
  if (config.awsMode === 'real') return { aws: createAwsClients({ region: config.awsRegion }) };
  const seed = parse(readFileSync(config.simulatedAccountFile, 'utf8')) as unknown;
  const account = new SimulatedAccount(seed as never, { clock });
  return { aws: createAwsClients({ region: account.region, simulatedAccount: account }), account };
}

/**
 * The composition root: configuration to logger, runbooks, AWS clients (real or simulated),
 * audit log and run driver. Without REDIS_URL runs live in this process only.
 */
export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? createSystemClock();
  const catalog = RunbookCatalog.load(config.runbookPaths);
  const actions = createActionRegistry();
  const { aws, account } = createAws(config, clock);
  const audit = new FileAuditLog({ path: config.auditLogPath, clock, simulated: aws.simulated });
  const roles = RoleMap.load(config.rolesFile);
  if (aws.simulated) {
    logger.info('acting on the SIMULATED AWS account', { file: config.simulatedAccountFile });
  }
  logger.warn('using the in-process queue: runs will not survive a restart (set REDIS_URL)');
  const driver = new InProcessDriver({ catalog, actions, aws, audit, clock, logger });
  return {
    config,
    logger,
    clock,
    catalog,
    actions,
    aws,
    simulatedAccount: account,
    audit,
    roles,
    driver,
    close: async () => driver.idle(),
  };
}
