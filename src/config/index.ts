export {
  loadConfig,
  ENV_AWS_MODE,
  ENV_AWS_REGION,
  ENV_DATA_DIR,
  ENV_PORT,
  ENV_QUEUE_PREFIX,
  ENV_REDIS_URL,
  ENV_ROLES_FILE,
  ENV_RUNBOOKS,
  ENV_SIMULATED_ACCOUNT,
} from './config.js';
export type { Config } from './config.js';
export { RoleMap } from './roles.js';
