import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/main.js';
import { RunbookInvalidError } from '../../src/runbook/index.js';
import { createSilentLogger, FirebreakError } from '../../src/shared/index.js';

describe('loadConfig', () => {
  it('defaults to the simulated account and the in-process queue', () => {
    const config = loadConfig({});
    expect(config.awsMode).toBe('simulated');
    expect(config.redisUrl).toBeUndefined();
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

  it('refuses an unknown FIREBREAK_AWS mode', () => {
    expect(() => loadConfig({ FIREBREAK_AWS: 'prod' })).toThrow(/must be "simulated" or "real"/);
  });
});

describe('createRuntime', () => {
  it('refuses to start on a runbook with a semantic error, naming its position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-runtime-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'name: bad\ntitle: Bad\nseverity: low\nphases:\n  detect:\n    - { id: a, action: aws.ec2.describeInstanse, with: {} }\n',
    );
    const config = loadConfig({ FIREBREAK_RUNBOOKS: dir, FIREBREAK_DATA_DIR: dir });
    const attempt = createRuntime(config, { logger: createSilentLogger() });
    await expect(attempt).rejects.toBeInstanceOf(RunbookInvalidError);
    await expect(attempt).rejects.toThrow(/bad\.yaml:6:\d+: .*aws\.ec2\.describeInstanse/);
  });
});
