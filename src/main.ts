import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { parse } from 'yaml';
import { ActionRegistry, coreActions } from './actions/index.js';
import { awsActions } from './actions/aws/index.js';
import { FileAuditLog, RedisAuditLog } from './audit/index.js';
import type { AuditSink } from './audit/index.js';
import { createAwsClients, RedisSimulatedAccount, SimulatedAccount } from './aws/index.js';
import type { AwsClients } from './aws/index.js';
import { RoleMap } from './config/index.js';
import type { Config } from './config/index.js';
import type { RunDriver } from './engine/index.js';
import {
  BullmqDriver,
  checkRedisReachable,
  createRedisConnection,
  InProcessDriver,
  logRedisErrors,
} from './queue/index.js';
import { loadValidatedCatalog } from './runbook/index.js';
import type { RunbookCatalog } from './runbook/index.js';
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
  /** The durable driver, when REDIS_URL is set: `firebreak worker` starts workers on it. */
  readonly bullmq?: BullmqDriver;
  close(): Promise<void>;
}

/** Options for {@link createRuntime}: seams for tests. */
export interface RuntimeOptions {
  logger?: Logger;
  clock?: Clock;
  /**
   * `worker`: Redis commands wait out a Redis restart instead of failing. Default `client`.
   * Only matters with REDIS_URL.
   */
  redisRole?: 'worker' | 'client';
}

/** Every action this build knows. */
export function createActionRegistry(): ActionRegistry {
  return new ActionRegistry([...coreActions, ...awsActions]);
}

function createAws(
  config: Config,
  clock: Clock,
  accountRedis: Redis | undefined,
): { aws: AwsClients; account?: SimulatedAccount } {
  if (config.awsMode === 'real') {
    const aws = createAwsClients({ region: config.awsRegion, assumeRole: config.assumeRole });
    return { aws };
  }
  const seed = parse(readFileSync(config.simulatedAccountFile, 'utf8')) as never;
  // With Redis, every process acts on one shared simulated account.
  const key = `${config.queuePrefix}:simulated-account`;
  const account = accountRedis
    ? new RedisSimulatedAccount(seed, { clock, redis: accountRedis, key })
    : new SimulatedAccount(seed, { clock });
  return { aws: createAwsClients({ region: account.region, simulatedAccount: account }), account };
}

/**
 * The composition root: configuration to logger, runbooks, AWS clients (real or simulated),
 * audit log and run driver. Without REDIS_URL runs live in this process only.
 */
export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? createSystemClock();
  const actions = createActionRegistry();
  const roles = RoleMap.load(config.rolesFile);
  // A file with errors is left out, loudly: the other runbooks stay usable in an incident.
  const catalog = loadValidatedCatalog(config.runbookPaths, {
    actions,
    roles: roles.roles(),
    onRefused: (file, errors) => {
      const problems = errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`);
      logger.error('runbook file refused; the other runbooks are loaded (firebreak validate)', {
        file,
        problems,
      });
    },
  });
  const role = options.redisRole ?? 'client';
  const redis = config.redisUrl ? createRedisConnection(config.redisUrl, { role }) : undefined;
  // The shared simulated account gets a connection of its own, so that its reads and writes
  // never queue behind the engine's.
  if (redis && config.redisUrl) {
    logRedisErrors(redis, logger);
    try {
      await checkRedisReachable(redis, config.redisUrl);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }
  const accountRedis = config.awsMode === 'simulated' ? redis?.duplicate() : undefined;
  if (accountRedis) logRedisErrors(accountRedis, logger);
  const { aws, account } = createAws(config, clock, accountRedis);
  if (aws.simulated) {
    logger.info('acting on the SIMULATED AWS account', { file: config.simulatedAccountFile });
  }
  const base = { config, logger, clock, catalog, actions, aws, simulatedAccount: account, roles };

  if (redis) {
    const { queuePrefix: prefix } = config;
    const audit = new RedisAuditLog({ redis, prefix, clock, simulated: aws.simulated });
    const driverOptions = { redis, prefix, catalog, actions, aws, audit, clock, logger };
    const bullmq = await BullmqDriver.create(driverOptions);
    const close = async () => {
      await bullmq.close();
      await accountRedis?.quit();
      await redis.quit();
    };
    return { ...base, audit, driver: bullmq, bullmq, close };
  }

  const audit = new FileAuditLog({ path: config.auditLogPath, clock, simulated: aws.simulated });
  const driver = new InProcessDriver({ catalog, actions, aws, audit, clock, logger });
  return { ...base, audit, driver, close: async () => driver.idle() };
}
