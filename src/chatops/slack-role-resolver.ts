import type { RoleMap } from '../config/index.js';
import { describeError } from '../shared/index.js';
import type { Clock, Logger } from '../shared/index.js';

/** A Slack user group as `usergroups.list` (with `include_users`) returns it. */
export interface SlackUserGroup {
  readonly id: string;
  readonly handle?: string;
  readonly users?: readonly string[];
}

/** Default time a fetched list of user groups is trusted: five minutes. */
export const DEFAULT_USER_GROUP_CACHE_MS = 5 * 60 * 1000;

/** Options for {@link SlackRoleResolver}. */
export interface SlackRoleResolverOptions {
  /** Role to members (user ids or user group ids), from `config/roles.yaml`. */
  readonly roles: RoleMap;
  /** Fetches user groups and their members; omit when the app may not read them. */
  readonly listUserGroups?: () => Promise<readonly SlackUserGroup[]>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a fetched group list (or a failure to fetch it) is used, in milliseconds. Default five minutes. */
  readonly cacheMs?: number;
  /** How long to wait for the group list, in milliseconds; default 1500 (it may run before Slack's ack). */
  readonly fetchTimeoutMs?: number;
}

/** Default wait for the user group list: short, because a slash command waits on it. */
export const DEFAULT_USER_GROUP_TIMEOUT_MS = 1500;

/**
 * Resolves the roles a Slack user holds, directly or through user groups. When the groups
 * cannot be read, only direct membership counts (fail closed) and a warning is logged.
 */
export class SlackRoleResolver {
  private groups: { atMs: number; list: readonly SlackUserGroup[] } | undefined;
  private readonly cacheMs: number;

  constructor(private readonly options: SlackRoleResolverOptions) {
    this.cacheMs = options.cacheMs ?? DEFAULT_USER_GROUP_CACHE_MS;
  }

  /** Roles held by `slackUserId`, sorted; empty for a user the role map does not know. */
  async rolesOf(slackUserId: string): Promise<string[]> {
    const groups = await this.groupsOf(slackUserId);
    return this.options.roles.rolesOf(slackUserId, groups);
  }

  private async groupsOf(slackUserId: string): Promise<string[]> {
    const list = await this.userGroups();
    return (
      list
        .filter((group) => group.users?.includes(slackUserId))
        // Only the group's id: any member may create a group whose handle reads like a name in
        // the role map ("alice"), so handles must never grant a role.
        .map((group) => group.id)
    );
  }

  private async userGroups(): Promise<readonly SlackUserGroup[]> {
    const { listUserGroups, clock } = this.options;
    if (!listUserGroups) return [];
    if (this.groups && clock.now() - this.groups.atMs < this.cacheMs) return this.groups.list;
    try {
      const list = await this.withTimeout(listUserGroups());
      this.groups = { atMs: clock.now(), list };
      return list;
    } catch (error) {
      this.options.logger.warn('user groups unavailable; using direct role membership only', {
        error: describeError(error),
      });
      // Remember the failure too, so that a missing scope does not cost a call per click.
      const list = this.groups?.list ?? [];
      this.groups = { atMs: clock.now(), list };
      return list;
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const { clock } = this.options;
    const timeoutMs = this.options.fetchTimeoutMs ?? DEFAULT_USER_GROUP_TIMEOUT_MS;
    let cancel = () => undefined as void;
    const timeout = new Promise<never>((_, reject) => {
      cancel = clock.setTimer(clock.now() + timeoutMs, () => {
        reject(new Error(`no answer within ${timeoutMs} ms`));
      });
    });
    return Promise.race([work, timeout]).finally(() => cancel());
  }
}
