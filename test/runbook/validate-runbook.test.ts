import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../src/main.js';
import {
  formatProblem,
  hasErrors,
  validateRunbookFiles,
  validateRunbookText,
} from '../../src/runbook/index.js';
import { FIXTURE_ROLES, fixtureActions } from './fixture-actions.js';

const FIXTURES = 'test/fixtures/runbooks';
const EXPECT_PATTERN = /^# expect: (error|warning) (\d+):(\d+): (.+)$/;

function validateFixture(name: string) {
  const file = `${FIXTURES}/${name}`;
  const text = readFileSync(file, 'utf8');
  const options = {
    actions: fixtureActions,
    roles: FIXTURE_ROLES,
    rolesSource: 'config/roles.yaml',
  };
  return { text, validation: validateRunbookText(file, text, options) };
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('validateRunbookText', () => {
  it('has at least 30 broken runbooks to check', () => {
    expect(fixtures.filter((f) => !f.startsWith('warning-')).length).toBeGreaterThanOrEqual(30);
  });

  describe.each(fixtures)('with %s', (name) => {
    it('reports its one problem at the expected line and column', () => {
      const { text, validation } = validateFixture(name);
      const match = EXPECT_PATTERN.exec(text.split('\n')[0] ?? '');
      if (!match) throw new Error(`${name} lacks an "# expect: severity line:col: message" line`);
      const [, severity, line, column, fragment] = match;
      expect(validation.problems.map(formatProblem)).toHaveLength(1);
      expect(validation.problems[0]).toMatchObject({
        file: `${FIXTURES}/${name}`,
        severity,
        line: Number(line),
        column: Number(column),
      });
      expect(validation.problems[0]?.message).toContain(fragment);
    });
  });

  it('lists every problem of a runbook, not only the first', () => {
    const text = readFileSync(`${FIXTURES}/unknown-step.yaml`, 'utf8')
      .replace('action: aws.ec2.describeInstance', 'action: aws.ec2.describe')
      .replace('roles: [ir-lead]', 'roles: [ir_lead]');
    const { problems } = validateRunbookText('x.yaml', text, {
      actions: fixtureActions,
      roles: FIXTURE_ROLES,
    });
    expect(problems.map((p) => p.message.split(' ').slice(0, 2).join(' '))).toEqual([
      'unknown action',
      'unknown step',
      'unknown role',
    ]);
  });

  it('skips role checks when no role map is given', () => {
    const text = readFileSync(`${FIXTURES}/unknown-run-role.yaml`, 'utf8');
    expect(validateRunbookText('x.yaml', text, { actions: fixtureActions }).problems).toEqual([]);
  });

  it('accepts backquoted step ids with "-" and forEach items', () => {
    const text = readFileSync(`${FIXTURES}/hyphenated-step-id.yaml`, 'utf8')
      .replace('steps.isolate-instance.outputs', 'steps.`isolate-instance`.outputs')
      .replace(
        '    - id: describe\n',
        '    - id: describe\n      forEach: "${{ [inputs.instanceId] }}"\n',
      )
      .replace(
        'instanceId: "${{ inputs.instanceId }}"\n  contain',
        'instanceId: "${{ item }}"\n  contain',
      );
    expect(validateRunbookText('x.yaml', text, { actions: fixtureActions }).problems).toEqual([]);
  });
});

describe('validateRunbookFiles', () => {
  it('finds no problem at all in the shipped runbooks', () => {
    const actions = createActionRegistry();
    const validations = validateRunbookFiles(['runbooks'], {
      actions,
      roles: ['ir-lead', 'responder'],
    });
    expect(validations.length).toBeGreaterThan(0);
    const problems = validations.flatMap((v) => v.problems);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(hasErrors(validations)).toBe(false);
  });

  it('reports the fixture folder as having errors', () => {
    expect(hasErrors(validateRunbookFiles([FIXTURES], { actions: fixtureActions }))).toBe(true);
  });

  it('reports a second file with the same runbook name at its name line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-names-'));
    const text = (title: string) =>
      `# a comment\nname: twin\ntitle: ${title}\nseverity: low\nphases:\n  detect:\n    - { id: ` +
      `n, action: note, with: { text: x } }\n`;
    writeFileSync(join(dir, 'a.yaml'), text('A'));
    writeFileSync(join(dir, 'b.yaml'), text('B'));

    const validations = validateRunbookFiles([dir], { actions: createActionRegistry() });

    expect(validations.flatMap((v) => v.problems).map(formatProblem)).toEqual([
      `${join(dir, 'b.yaml')}:2:1: runbook name "twin" is already used by ` +
        `${join(dir, 'a.yaml')}; names must be unique`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads one file named two ways once, without calling it a duplicate', () => {
    const file = 'runbooks/ec2-compromised-instance.yaml';
    const validations = validateRunbookFiles([file, `./${file}`, join(process.cwd(), file)], {
      actions: createActionRegistry(),
      roles: ['ir-lead', 'responder'],
    });
    expect(validations.map((v) => v.file)).toEqual([file]);
    expect(hasErrors(validations)).toBe(false);
  });

  it('names a missing file or folder instead of failing with a stack trace', () => {
    expect(() => validateRunbookFiles(['no/such/runbooks'], { actions: fixtureActions })).toThrow(
      'no/such/runbooks: no such file or folder',
    );
  });
});
