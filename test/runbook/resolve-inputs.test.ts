import { describe, expect, it } from 'vitest';
import { parseRunbook, resolveInputs, RunInputError } from '../../src/runbook/index.js';

const { runbook } = parseRunbook(
  'inputs.yaml',
  `name: inputs
title: Inputs
severity: low
inputs:
  instanceId: { type: ec2-instance-id }
  reason: { type: string, default: suspected compromise }
phases: {}
`,
);

describe('resolveInputs', () => {
  it('applies defaults and checks AWS identifiers by pattern', () => {
    expect(resolveInputs(runbook, { instanceId: 'i-0123456789abcdef0' })).toEqual({
      instanceId: 'i-0123456789abcdef0',
      reason: 'suspected compromise',
    });
    expect(() => resolveInputs(runbook, { instanceId: 'i-0abc' })).toThrow(/valid ec2-instance-id/);
  });

  it('refuses names every JavaScript object inherits as unknown inputs', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const attempt = () =>
        resolveInputs(runbook, { instanceId: 'i-0123456789abcdef0', [name]: 'x' });
      expect(attempt).toThrow(RunInputError);
      expect(attempt).toThrow(`unknown input "${name}"`);
    }
  });
});
