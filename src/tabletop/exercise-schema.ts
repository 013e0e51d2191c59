import { z } from 'zod';
import { simulatedAccountSeedSchema } from '../aws/index.js';
import { isDuration } from '../shared/index.js';

const offset = z.string().refine(isDuration, 'expected a time offset such as 0s, 90s or 4m');

const decisionSchema = z.strictObject({
  /** The run to decide on: the latest run of this runbook. Default: the latest run. */
  runbook: z.string().optional(),
  step: z.string(),
  by: z.string(),
  reason: z.string().optional(),
});

const injectSchema = z
  .strictObject({
    at: offset,
    /** An SNS envelope file (relative to the exercise), delivered as if from the topic. */
    sns: z.string().optional(),
    approve: decisionSchema.optional(),
    deny: decisionSchema.optional(),
    /** A responder starts a runbook by hand (as `/ir run` would). */
    run: z
      .strictObject({
        runbook: z.string(),
        by: z.string(),
        inputs: z.record(z.string(), z.unknown()).default({}),
      })
      .optional(),
  })
  .refine(
    (i) => [i.sns, i.approve, i.deny, i.run].filter((v) => v !== undefined).length === 1,
    'an inject does exactly one of sns, approve, deny or run',
  );

/** A tabletop exercise file. */
export const exerciseSchema = z.strictObject({
  name: z.string(),
  title: z.string(),
  description: z.string().optional(),
  /** Virtual time at which the exercise starts (ISO). */
  startTime: z.iso.datetime().default('2026-01-01T00:00:00Z'),
  /** Runbook files or folders, relative to the exercise. */
  runbooks: z.array(z.string()).default(['../runbooks']),
  /** Responder name to roles, for approvals. */
  responders: z.record(z.string(), z.array(z.string())).default({}),
  account: simulatedAccountSeedSchema,
  injects: z.array(injectSchema).min(1),
  /** How long to keep the clock running after the last inject, for deadlines. */
  runFor: offset.default('1h'),
  expect: z.array(z.strictObject({ name: z.string(), that: z.string() })).default([]),
});

export type Exercise = z.output<typeof exerciseSchema>;
export type ExerciseInject = Exercise['injects'][number];
