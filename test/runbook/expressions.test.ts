import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateCondition, resolveTemplates } from '../../src/runbook/index.js';
import { VirtualClock } from '../../src/shared/index.js';

const scope = {
  inputs: { instanceId: 'i-0123456789abcdef0', reason: '${{ steps }} $string(1); rm -rf / `id`' },
  trigger: { alarmName: '${{ inputs.instanceId }}' },
  steps: {
    describe: { status: 'succeeded', outputs: { vpcId: 'vpc-1', groups: ['sg-a', 'sg-b'] } },
  },
  run: { id: 'run-1', requester: 'U1', startedAt: '2026-01-01T00:00:00.000Z', runbook: 'demo' },
};

describe('resolveTemplates', () => {
  it('returns the raw value of a whole-string template', async () => {
    expect(await resolveTemplates('${{ steps.describe.outputs.groups }}', scope)).toEqual([
      'sg-a',
      'sg-b',
    ]);
  });

  it('interpolates templates inside text', async () => {
    expect(
      await resolveTemplates('vpc ${{ steps.describe.outputs.vpcId }} of ${{ run.id }}', scope),
    ).toBe('vpc vpc-1 of run-1');
  });

  it('passes template and shell syntax in data through as plain text', async () => {
    expect(await resolveTemplates({ text: 'why: ${{ inputs.reason }}' }, scope)).toEqual({
      text: 'why: ${{ steps }} $string(1); rm -rf / `id`',
    });
    expect(await resolveTemplates('${{ trigger.alarmName }}', scope)).toBe(
      '${{ inputs.instanceId }}',
    );
  });

  it('fails with the expression and the step on a syntax error', async () => {
    const attempt = resolveTemplates('${{ inputs.( }}', scope, 'isolate');
    await expect(attempt).rejects.toBeInstanceOf(ExpressionError);
    await expect(attempt).rejects.toThrow(/expression "inputs.\(" in step "isolate" failed/);
  });
});

describe('expression guardrails', () => {
  it('stops an expression that never ends and fails with the expression and the reason', async () => {
    const looping = '${{ ($f := function($n){ $f($n + 1) }; $f(0)) }}';
    const attempt = resolveTemplates(looping, scope, 'facts');
    await expect(attempt).rejects.toBeInstanceOf(ExpressionError);
    await expect(attempt).rejects.toThrow(/in step "facts" failed: Evaluation timeout/);
  });

  it('refuses $eval at run time, so data is never evaluated', async () => {
    await expect(resolveTemplates('${{ $eval(trigger.alarmName) }}', scope)).rejects.toThrow(
      /\$eval may not be used/,
    );
  });

  it('still evaluates ordinary recursion', async () => {
    const counting = '${{ ($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100)) }}';
    expect(await resolveTemplates(counting, scope)).toBe(100);
  });
});

describe('evaluateCondition', () => {
  it('accepts bare JSONata and templates', async () => {
    expect(await evaluateCondition('steps.describe.status = "succeeded"', scope)).toBe(true);
    expect(await evaluateCondition('${{ $count(steps.describe.outputs.groups) > 5 }}', scope)).toBe(
      false,
    );
  });
});

describe('$now() and $millis() on a clock of the caller', () => {
  const june = new VirtualClock(Date.parse('2026-06-01T08:30:00.000Z'));

  it('read the given clock, as a tabletop exercise needs', async () => {
    expect(await resolveTemplates('${{ $now() }}', scope, undefined, june)).toBe(
      '2026-06-01T08:30:00.000Z',
    );
    expect(await resolveTemplates('${{ $millis() + 1000 }}', scope, undefined, june)).toBe(
      Date.parse('2026-06-01T08:30:01.000Z'),
    );
    expect(
      await resolveTemplates(
        "${{ $now('[Y0001]-[M01]-[D01] [H01]h', '+0200') }}",
        scope,
        undefined,
        june,
      ),
    ).toBe('2026-06-01 10h');
    expect(await evaluateCondition('$millis() < 1800000000000', scope, undefined, june)).toBe(true);
  });

  it('read the wall clock without one', async () => {
    const now = (await resolveTemplates('${{ $millis() }}', scope)) as number;
    expect(Math.abs(now - Date.now())).toBeLessThan(60_000);
  });
});
