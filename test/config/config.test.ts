import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/main.js';
import { createSilentLogger, FirebreakError } from '../../src/shared/index.js';

describe('loadConfig', () => {
  it('defaults to the simulated account and the in-process queue', () => {
    const config = loadConfig({});
    expect(config.awsMode).toBe('simulated');
    expect(config.redisUrl).toBeUndefined();
    expect(config.trustedProxies).toEqual([]);
    expect(config.assumeRole).toEqual({
      byAccount: {},
      byRunbook: {},
      defaultRoleArn: undefined,
      externalId: undefined,
    });
  });

  it('reads roles to assume per account for cross-account response', () => {
    const config = loadConfig({
      FIREBREAK_ROLE_ARN: 'arn:aws:iam::111122223333:role/firebreak-responder',
      FIREBREAK_ACCOUNT_ROLES:
        '444455556666=arn:aws:iam::444455556666:role/firebreak, 777788889999=arn:aws:iam::777788889999:role/ir/firebreak',
      FIREBREAK_ROLE_EXTERNAL_ID: 'ext-1',
      FIREBREAK_RUNBOOK_ROLES: 'ec2-compromised-instance=arn:aws:iam::111122223333:role/ec2-ir',
    });
    expect(config.assumeRole).toEqual({
      defaultRoleArn: 'arn:aws:iam::111122223333:role/firebreak-responder',
      byAccount: {
        '444455556666': 'arn:aws:iam::444455556666:role/firebreak',
        '777788889999': 'arn:aws:iam::777788889999:role/ir/firebreak',
      },
      externalId: 'ext-1',
      byRunbook: { 'ec2-compromised-instance': 'arn:aws:iam::111122223333:role/ec2-ir' },
    });
  });

  it('refuses a malformed account role pair, saying what was expected', () => {
    const attempt = () => loadConfig({ FIREBREAK_ACCOUNT_ROLES: '4444=arn:aws:iam::4444:role/x' });
    expect(attempt).toThrow(FirebreakError);
    expect(attempt).toThrow(/expected account=roleArn pairs/);
  });

  it('reads the trusted proxies as a comma-separated list', () => {
    const config = loadConfig({ FIREBREAK_TRUSTED_PROXIES: ' 10.0.0.0/8, ::1,' });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '::1']);
  });

  it('refuses an unknown FIREBREAK_AWS mode', () => {
    expect(() => loadConfig({ FIREBREAK_AWS: 'prod' })).toThrow(/must be "simulated" or "real"/);
  });
});

describe('createRuntime', () => {
  it('leaves out a runbook with a semantic error, logging and naming its position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-runtime-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'name: bad\ntitle: Bad\nseverity: low\nphases:\n  detect:\n    - { id: a, action: aws.ec2.describeInstanse, with: {} }\n',
    );
    writeFileSync(
      join(dir, 'good.yaml'),
      'name: good\ntitle: Good\nseverity: low\nphases:\n  detect:\n    - { id: a, action: note, with: { text: ok } }\n',
    );
    const logged: { msg: string; fields: Record<string, unknown> }[] = [];
    const logger = { ...createSilentLogger() };
    logger.error = (msg: string, fields?: Record<string, unknown>) => {
      logged.push({ msg, fields: fields ?? {} });
    };
    const config = loadConfig({ FIREBREAK_RUNBOOKS: dir, FIREBREAK_DATA_DIR: dir });

    const runtime = await createRuntime(config, { logger });
    try {
      expect(runtime.catalog.list().map((r) => r.name)).toEqual(['good']);
      expect(logged).toHaveLength(1);
      expect(String(logged[0]?.fields['problems'])).toMatch(
        /bad\.yaml:6:\d+: .*aws\.ec2\.describeInstanse/,
      );
      expect(() => runtime.catalog.get('bad')).toThrow(
        /refused at load: .*bad\.yaml:6:\d+: .*aws\.ec2\.describeInstanse/,
      );
    } finally {
      await runtime.close();
    }
  });

  it('serves a good runbook beside a broken draft of the same name, and neither of two good ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-runtime-'));
    const good = (name: string, text: string) =>
      `name: ${name}\ntitle: T\nseverity: low\nphases:\n  detect:\n    - { id: a, action: note, ` +
      `with: { text: ${text} } }\n`;
    writeFileSync(join(dir, 'aaa-draft.yaml'), good('contain', 'draft').replace('note', 'nope'));
    writeFileSync(join(dir, 'contain.yaml'), good('contain', 'production'));
    writeFileSync(join(dir, 'twin-a.yaml'), good('twin', 'a'));
    writeFileSync(join(dir, 'twin-b.yaml'), good('twin', 'b'));
    const config = loadConfig({ FIREBREAK_RUNBOOKS: dir, FIREBREAK_DATA_DIR: dir });

    const runtime = await createRuntime(config, { logger: createSilentLogger() });
    try {
      expect(runtime.catalog.list().map((r) => r.name)).toEqual(['contain']);
      expect(runtime.catalog.get('contain').phases.detect[0]?.with).toEqual({ text: 'production' });
      expect(() => runtime.catalog.get('twin')).toThrow(
        /runbook name "twin" is used by .*twin-a\.yaml and .*twin-b\.yaml; none of them is served/,
      );
    } finally {
      await runtime.close();
    }
  });
});
