import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from './capture-io.js';
import { toRunbookJsonSchema } from '../../src/runbook/index.js';

async function run(...argv: string[]) {
  const cli = captureIo();
  await main(argv, cli.io);
  return { out: cli.out.join('\n'), err: cli.err.join('\n'), exitCode: cli.code() };
}

describe('firebreak validate', () => {
  it('passes the shipped runbooks with exit status 0', async () => {
    const result = await run('validate', 'runbooks/');
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(/1 runbook\(s\): 0 error\(s\)/);
  });

  it('prints every problem as file:line:column and exits 1 on an error', async () => {
    const result = await run(
      'validate',
      'test/fixtures/runbooks/unknown-action.yaml',
      'test/fixtures/runbooks/unknown-run-role.yaml',
    );
    expect(result.exitCode).toBe(1);
    expect(result.out).toContain(
      'test/fixtures/runbooks/unknown-action.yaml:21:15: unknown action "aws.ec2.describeInstances"',
    );
    expect(result.out).toContain(
      'test/fixtures/runbooks/unknown-run-role.yaml:15:9: unknown role "responders"',
    );
  });

  it('exits 0 when there are only warnings', async () => {
    const result = await run(
      'validate',
      'test/fixtures/runbooks/warning-approval-without-deadline.yaml',
    );
    expect(result.out).toContain(': warning: approval of step "isolate" has no deadline');
    expect(result.exitCode).toBe(0);
  });

  it('refuses a role map that does not exist', async () => {
    const result = await run('validate', '--roles', 'config/nope.yaml', 'runbooks/');
    expect(result.exitCode).toBe(1);
    expect(result.err).toBe('error: role map config/nope.yaml does not exist (--roles)');
  });
});

describe('firebreak schema', () => {
  it('prints the runbook JSON Schema', async () => {
    const result = await run('schema');
    expect(JSON.parse(result.out)).toEqual(toRunbookJsonSchema());
  });
});

describe('firebreak iam-policy', () => {
  it('prints a policy document for the shipped runbooks', async () => {
    const result = await run('iam-policy', 'runbooks/');
    expect(result.exitCode).toBe(0);
    const policy = JSON.parse(result.out) as { Version: string; Statement: { Action: string[] }[] };
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement.flatMap((s) => s.Action)).toContain('ec2:DescribeInstances');
  });

  it('prints no policy for runbooks with errors', async () => {
    const result = await run('iam-policy', 'test/fixtures/runbooks/unknown-action.yaml');
    expect(result.exitCode).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('no policy printed');
  });
});
