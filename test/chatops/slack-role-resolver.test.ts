import { describe, expect, it } from 'vitest';
import { SlackRoleResolver } from '../../src/chatops/index.js';
import { RoleMap } from '../../src/config/index.js';
import { createSilentLogger, VirtualClock } from '../../src/shared/index.js';

const roles = new RoleMap({ 'ir-lead': ['alice', 'U0IRLEAD01', 'S0IRLEADS1'], responder: ['bob'] });

function resolverWith(groups: { id: string; handle?: string; users: string[] }[]) {
  return new SlackRoleResolver({
    roles,
    listUserGroups: async () => groups,
    clock: new VirtualClock(0),
    logger: createSilentLogger(),
  });
}

describe('SlackRoleResolver', () => {
  it('grants the roles of a user group listed by its id', async () => {
    const resolver = resolverWith([
      { id: 'S0IRLEADS1', handle: 'ir-leads', users: ['U0MEMBER01'] },
    ]);
    expect(await resolver.rolesOf('U0MEMBER01')).toEqual(['ir-lead']);
  });

  it('never grants a role through a group whose handle reads like a name in the role map', async () => {
    const resolver = resolverWith([{ id: 'S0EVILGRP1', handle: 'alice', users: ['U0EVIL0001'] }]);
    expect(await resolver.rolesOf('U0EVIL0001')).toEqual([]);
  });
});

describe('RoleMap.rolesOf', () => {
  it('counts only Slack group ids as groups', () => {
    expect(roles.rolesOf('U0NOBODY01', ['alice', 'bob'])).toEqual([]);
    expect(roles.rolesOf('U0NOBODY01', ['S0IRLEADS1'])).toEqual(['ir-lead']);
    expect(roles.rolesOf('bob')).toEqual(['responder']);
  });
});
