import { describe, expect, it } from 'vitest';
import { formatRun } from '../../src/cli/format-run.js';
import type { RunState } from '../../src/engine/index.js';

const run = (steps: unknown[]) =>
  ({
    runId: 'run-1',
    runbookId: 'contain',
    status: 'awaiting_approval',
    simulated: true,
    requester: 'bob',
    steps,
  }) as unknown as RunState;

describe('formatRun', () => {
  it('shows what a waiting approval would change, and what note steps wrote', () => {
    const text = formatRun(
      run([
        {
          id: 'facts',
          phase: 'detect',
          action: 'note',
          status: 'succeeded',
          outputs: { text: 'groups before: sg-a, sg-b\nowner: team-x' },
        },
        {
          id: 'isolate',
          phase: 'contain',
          action: 'aws.ec2.isolateInstance',
          status: 'awaiting_approval',
          approval: {
            min: 1,
            roles: ['ir-lead'],
            preview: {
              plan: {
                hash: 'sha256:abc',
                changes: [{ resource: 'eni-1', before: 'sg-a, sg-b', after: 'sg-q' }],
              },
            },
          },
        },
      ]),
    );

    expect(text.split('\n')).toEqual([
      'run-1  contain  awaiting_approval  (SIMULATED account, requested by bob)',
      '  detect    facts                  note                           succeeded',
      '      groups before: sg-a, sg-b',
      '      owner: team-x',
      '  contain   isolate                aws.ec2.isolateInstance        awaiting_approval  needs 1 of [ir-lead]',
      '      will change (plan sha256:abc):',
      '        eni-1: sg-a, sg-b -> sg-q',
    ]);
  });

  it('says when the plan could not be computed', () => {
    const text = formatRun(
      run([
        {
          id: 'isolate',
          phase: 'contain',
          action: 'aws.ec2.isolateInstance',
          status: 'awaiting_approval',
          approval: { min: 1, roles: ['ir-lead'], preview: { planError: 'AccessDenied' } },
        },
      ]),
    );

    expect(text).toContain('      no plan: AccessDenied');
  });
});
