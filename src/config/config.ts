import { join } from 'node:path';
import { FirebreakError } from '../shared/index.js';

/** Environment variable names firebreak reads (once, here). */
export const ENV_REDIS_URL = 'REDIS_URL';
export const ENV_DATA_DIR = 'FIREBREAK_DATA_DIR';
export const ENV_RUNBOOKS = 'FIREBREAK_RUNBOOKS';
export const ENV_AWS_MODE = 'FIREBREAK_AWS';
export const ENV_AWS_REGION = 'AWS_REGION';
export const ENV_SIMULATED_ACCOUNT = 'FIREBREAK_SIMULATED_ACCOUNT';
export const ENV_PORT = 'PORT';
export const ENV_QUEUE_PREFIX = 'FIREBREAK_QUEUE_PREFIX';
export const ENV_ROLES_FILE = 'FIREBREAK_ROLES';

/** The resolved configuration; no optional fields but those that are truly absent. */
export interface Config {
  /** Redis for the durable queue; undefined means the in-process queue. */
  readonly redisUrl?: string;
  readonly queuePrefix: string;
  readonly dataDir: string;
  readonly auditLogPath: string;
  readonly runbookPaths: readonly string[];
  /** `simulated` (default) or `real`: real AWS only when asked for by name. */
  readonly awsMode: 'simulated' | 'real';
  readonly awsRegion: string;
  /** YAML seed of the simulated account. */
  readonly simulatedAccountFile: string;
  /** Role map file (who may run and approve). */
  readonly rolesFile: string;
  readonly port: number;
}

/** Reads, checks and freezes the configuration from an environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const awsMode = env[ENV_AWS_MODE] ?? 'simulated';
  if (awsMode !== 'simulated' && awsMode !== 'real') {
    throw new FirebreakError('CONFIG_INVALID', `${ENV_AWS_MODE} must be "simulated" or "real", got "${awsMode}"`);
  }
  const port = Number(env[ENV_PORT] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FirebreakError('CONFIG_INVALID', `${ENV_PORT} must be a port number, got "${env[ENV_PORT]}"`);
  }
  const dataDir = env[ENV_DATA_DIR] ?? 'data';
  return Object.freeze({
    redisUrl: env[ENV_REDIS_URL] || undefined,
    queuePrefix: env[ENV_QUEUE_PREFIX] ?? 'firebreak',
    dataDir,
    auditLogPath: join(dataDir, 'audit.jsonl'),
    runbookPaths: (env[ENV_RUNBOOKS] ?? 'runbooks').split(',').filter(Boolean),
    awsMode,
    awsRegion: env[ENV_AWS_REGION] ?? 'us-east-1',
    simulatedAccountFile: env[ENV_SIMULATED_ACCOUNT] || 'config/simulated-account.yaml',
    rolesFile: env[ENV_ROLES_FILE] || 'config/roles.yaml',
    port,
  });
}
