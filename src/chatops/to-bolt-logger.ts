import { LogLevel } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../shared/index.js';

function join(parts: readonly unknown[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : String(p)))
    .join(' ');
}

/** Lets Bolt and its Web API client log through firebreak's logger (`component: slack`). */
export function toBoltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack' });
  return {
    debug: (...parts) => log.debug(join(parts)),
    info: (...parts) => log.info(join(parts)),
    warn: (...parts) => log.warn(join(parts)),
    error: (...parts) => log.error(join(parts)),
    // Levels are the firebreak logger's business; Bolt only asks so it can skip work.
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
