export {
  loadConfig,
  ENV_AWS_MODE,
  ENV_AWS_REGION,
  ENV_DATA_DIR,
  ENV_PORT,
  ENV_QUEUE_PREFIX,
  ENV_REDIS_URL,
  ENV_ACCOUNT_ROLES,
  ENV_ROLE_ARN,
  ENV_ROLE_EXTERNAL_ID,
  ENV_ROLES_FILE,
  ENV_RUNBOOKS,
  ENV_SIMULATED_ACCOUNT,
  ENV_SLACK_API_URL,
  ENV_SLACK_APP_TOKEN,
  ENV_SLACK_BOT_TOKEN,
  ENV_SLACK_CHANNEL,
  ENV_SLACK_COMMAND,
  ENV_SLACK_SIGNING_SECRET,
} from './config.js';
export type { AssumeRoleConfig, Config, SlackConfig } from './config.js';
export { RoleMap } from './roles.js';
