/** The runbook both sides run: ten no-op steps. */
export const BENCH_RUNBOOK_YAML = `name: bench
title: Ten no-op steps
severity: low
phases:
  detect:
${Array.from({ length: 10 }, (_, i) => `    - { id: s${i + 1}, action: bench.noop }`).join('\n')}
`;

/** Steps per chain (run) on both sides. */
export const BENCH_STEPS = 10;
