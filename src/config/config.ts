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
export const ENV_ROLE_ARN = 'FIREBREAK_ROLE_ARN';
export const ENV_ACCOUNT_ROLES = 'FIREBREAK_ACCOUNT_ROLES';
export const ENV_ROLE_EXTERNAL_ID = 'FIREBREAK_ROLE_EXTERNAL_ID';
export const ENV_RUNBOOK_ROLES = 'FIREBREAK_RUNBOOK_ROLES';
export const ENV_SLACK_SIGNING_SECRET = 'SLACK_SIGNING_SECRET';
export const ENV_SLACK_BOT_TOKEN = 'SLACK_BOT_TOKEN';
export const ENV_SLACK_APP_TOKEN = 'SLACK_APP_TOKEN';
export const ENV_SLACK_COMMAND = 'SLACK_COMMAND';
export const ENV_SLACK_API_URL = 'FIREBREAK_SLACK_API_URL';
export const ENV_SLACK_CHANNEL = 'FIREBREAK_SLACK_CHANNEL';
export const ENV_TRUSTED_PROXIES = 'FIREBREAK_TRUSTED_PROXIES';

/** Slack settings; Slack is off unless a bot token and a signing secret or app token are set. */
export interface SlackConfig {
  /** Verifies HTTP requests from Slack (HTTP mode). */
  readonly signingSecret?: string;
  /** `xoxb-` bot token for the Web API. */
  readonly botToken?: string;
  /** `xapp-` app-level token; when set, Slack is reached over Socket Mode instead of HTTP. */
  readonly appToken?: string;
  /** The slash command, `/ir` by default. */
  readonly command: string;
  /** Web API base URL, e.g. `http://127.0.0.1:4100/api/` for a fake; Slack's own by default. */
  readonly apiUrl?: string;
  /** Channel id for runs not started from Slack (alarms, findings); none means not posted. */
  readonly defaultChannel?: string;
}

/** Roles to assume for real AWS calls (cross-account response); all optional. */
export interface AssumeRoleConfig {
  /** Role for every run not matched by account. */
  readonly defaultRoleArn?: string;
  /** Role by 12-digit account id (a run's `accountId` input). */
  readonly byAccount: Readonly<Record<string, string>>;
  /** Role by runbook name; wins over the account's. */
  readonly byRunbook: Readonly<Record<string, string>>;
  /** `sts:ExternalId` the roles' trust policies ask for. */
  readonly externalId?: string;
}

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
  /**
   * Proxies in front of `serve` whose `X-Forwarded-For` names the client in refusal records:
   * addresses or networks, comma-separated. Empty: the peer's address is recorded.
   */
  readonly trustedProxies: readonly string[];
  readonly slack: SlackConfig;
  readonly assumeRole: AssumeRoleConfig;
}

/** Reads, checks and freezes the configuration from an environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const awsMode = env[ENV_AWS_MODE] ?? 'simulated';
  if (awsMode !== 'simulated' && awsMode !== 'real') {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `${ENV_AWS_MODE} must be "simulated" or "real", got "${awsMode}"`,
    );
  }
  const port = Number(env[ENV_PORT] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `${ENV_PORT} must be a port number, got "${env[ENV_PORT]}"`,
    );
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
    trustedProxies: Object.freeze(
      (env[ENV_TRUSTED_PROXIES] ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
    slack: Object.freeze(loadSlackConfig(env)),
    assumeRole: Object.freeze(loadAssumeRoleConfig(env)),
  });
}

function loadSlackConfig(env: NodeJS.ProcessEnv): SlackConfig {
  const command = env[ENV_SLACK_COMMAND] || '/ir';
  if (!/^\/[a-z0-9_-]{1,31}$/.test(command)) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `${ENV_SLACK_COMMAND} must look like /ir, got "${command}"`,
    );
  }
  return {
    signingSecret: env[ENV_SLACK_SIGNING_SECRET] || undefined,
    botToken: env[ENV_SLACK_BOT_TOKEN] || undefined,
    appToken: env[ENV_SLACK_APP_TOKEN] || undefined,
    command,
    apiUrl: env[ENV_SLACK_API_URL] || undefined,
    defaultChannel: env[ENV_SLACK_CHANNEL] || undefined,
  };
}

const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function checkRoleArn(name: string, arn: string): string {
  if (!ROLE_ARN_PATTERN.test(arn)) {
    throw new FirebreakError('CONFIG_INVALID', `${name}: "${arn}" is not an IAM role ARN`);
  }
  return arn;
}

/** `NAME=key=roleArn,key=roleArn`, each key checked by `keyPattern`. */
function loadRolePairs(env: NodeJS.ProcessEnv, name: string, key: string, keyPattern: RegExp) {
  const roles: Record<string, string> = {};
  for (const pair of (env[name] ?? '').split(',').filter(Boolean)) {
    const [left, arn] = pair.split('=', 2).map((part) => part.trim());
    if (!left || !keyPattern.test(left) || !arn) {
      throw new FirebreakError(
        'CONFIG_INVALID',
        `${name}: expected ${key}=roleArn pairs separated by commas, got "${pair}"`,
      );
    }
    roles[left] = checkRoleArn(name, arn);
  }
  return roles;
}

/**
 * `FIREBREAK_ACCOUNT_ROLES=111122223333=arn:aws:iam::111122223333:role/firebreak,...` and
 * `FIREBREAK_RUNBOOK_ROLES=ec2-compromised-instance=arn:aws:iam::...:role/ec2-responder,...`
 */
function loadAssumeRoleConfig(env: NodeJS.ProcessEnv): AssumeRoleConfig {
  const byAccount = loadRolePairs(env, ENV_ACCOUNT_ROLES, 'account', /^\d{12}$/);
  const byRunbook = loadRolePairs(env, ENV_RUNBOOK_ROLES, 'runbook', /^[A-Za-z][A-Za-z0-9_-]*$/);
  const roleArn = env[ENV_ROLE_ARN] || undefined;
  return {
    defaultRoleArn: roleArn === undefined ? undefined : checkRoleArn(ENV_ROLE_ARN, roleArn),
    byAccount,
    byRunbook,
    externalId: env[ENV_ROLE_EXTERNAL_ID] || undefined,
  };
}
