import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { FirebreakError } from '../shared/index.js';

const rolesFileSchema = z.strictObject({
  roles: z.record(z.string(), z.array(z.string())),
});

const SLACK_GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** Who holds which role: role name to members (Slack user ids, group ids or names). */
export class RoleMap {
  constructor(private readonly members: Readonly<Record<string, readonly string[]>>) {}

  /** Reads a roles file (`roles: { ir-lead: [U…] }`). */
  static load(path: string): RoleMap {
    const result = rolesFileSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!result.success) {
      const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new FirebreakError('CONFIG_INVALID', `${path}: ${detail}`);
    }
    return new RoleMap(result.data.roles);
  }

  /**
   * Roles held by `user` directly or through any of `groups`. Only Slack user group ids
   * (`S…`) count as groups, so a group can never stand in for a person's name.
   */
  rolesOf(user: string, groups: readonly string[] = []): string[] {
    const ids = new Set([user, ...groups.filter((group) => SLACK_GROUP_ID.test(group))]);
    return Object.entries(this.members)
      .filter(([, members]) => members.some((m) => ids.has(m)))
      .map(([role]) => role)
      .sort();
  }

  /** Every role name. */
  roles(): string[] {
    return Object.keys(this.members).sort();
  }
}
