import { describe, expect, it } from 'vitest';
import { parseRunbook, RunbookInvalidError } from '../../src/runbook/index.js';

const VALID = `name: demo
title: Demo
severity: low
phases:
  detect:
    - id: look
      action: note
      with: { text: hello }
`;

function problemsOf(text: string) {
  try {
    parseRunbook('runbooks/demo.yaml', text);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookInvalidError);
    return (error as RunbookInvalidError).problems;
  }
  throw new Error('expected the runbook to be refused');
}

describe('parseRunbook', () => {
  it('loads a valid runbook with defaults for missing phases', () => {
    const { runbook } = parseRunbook('demo.yaml', VALID);
    expect(runbook.name).toBe('demo');
    expect(runbook.phases.detect[0]?.action).toBe('note');
    expect(runbook.phases.contain).toEqual([]);
  });

  it('refuses a YAML syntax error with its line and column', () => {
    const text = VALID.replace('with: { text: hello }', 'with: { text: hello');
    const [problem] = problemsOf(text);
    expect(problem?.file).toBe('runbooks/demo.yaml');
    expect(problem?.line).toBeGreaterThanOrEqual(8);
    expect(problem?.message).toMatch(/^YAML syntax/);
  });

  it('refuses an unknown field, pointing at its key', () => {
    const text = VALID.replace('      with: { text: hello }', '      wiht: { text: hello }');
    const error = (() => {
      try {
        parseRunbook('runbooks/demo.yaml', text);
      } catch (e) {
        return e as RunbookInvalidError;
      }
      throw new Error('not refused');
    })();
    expect(error.code).toBe('RUNBOOK_INVALID');
    expect(error.message).toBe('runbooks/demo.yaml:8:7: unknown field "wiht" in phases.detect[0]');
  });

  it('refuses a wrong value at the value node', () => {
    const [problem] = problemsOf(VALID.replace('severity: low', 'severity: apocalyptic'));
    expect(problem).toMatchObject({ line: 3, column: 11 });
    expect(problem?.message).toMatch(/^severity: /);
  });

  it('reports a missing required field at the enclosing map', () => {
    const problems = problemsOf(VALID.replace('title: Demo\n', ''));
    expect(problems.map((p) => p.message)).toContain(
      'title: missing required field (expected string)',
    );
  });

  it('lists every problem, not only the first', () => {
    const text = VALID.replace('severity: low', 'severity: 7').replace('id: look', 'id: 9look');
    expect(problemsOf(text)).toHaveLength(2);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const [problem] = problemsOf(`${levels.join('\n')}\n${VALID}`);
    expect(problem?.message).toMatch(/^YAML: Excessive alias count/);
  });
});
