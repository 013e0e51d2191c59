import jsonata from 'jsonata';
import { ExpressionError } from './errors.js';
import type { Clock } from '../shared/index.js';

/**
 * Runbook values may hold `${{ expr }}` templates whose `expr` is JSONata, evaluated over
 * `{ inputs, trigger, steps, run }`. Only runbook text is ever compiled: values that come
 * from alarms, findings or Slack are bound as data and never evaluated.
 */
const TEMPLATE_PATTERN = /\$\{\{([\s\S]*?)\}\}/g;
const WHOLE_TEMPLATE_PATTERN = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/;

/** The data an expression sees. */
export interface ExpressionScope {
  readonly inputs: Record<string, unknown>;
  readonly trigger?: unknown;
  readonly steps: Record<string, { outputs?: unknown; status: string }>;
  readonly run: { id: string; requester: string; startedAt: string; runbook: string };
  /** In a `forEach` step: the element in hand. */
  readonly item?: unknown;
  /** In a `forEach` step: the element's position, from 0. */
  readonly index?: number;
  /** In a step's `outputs` mapping: what the action returned. */
  readonly result?: unknown;
}

type Compiled = ReturnType<typeof jsonata>;

/** Overrides of JSONata's built-ins at run time: `$eval` would evaluate data as code. */
const RUNTIME_BINDINGS = {
  eval: () => {
    throw new Error('$eval may not be used in runbook expressions');
  },
};

/**
 * Longest an expression may evaluate, in milliseconds. JSONata runs on the event loop: an
 * expression that loops would stall the worker (and its BullMQ lock renewals) for ever.
 */
export const EXPRESSION_TIMEOUT_MS = 1000;
/** Deepest an expression may nest its evaluation (recursion included). */
export const EXPRESSION_MAX_DEPTH = 500;
const compiledCache = new Map<string, Compiled>();

/** Compiles a JSONata expression, caching it; throws {@link ExpressionError} on bad syntax. */
export function compileExpression(expression: string, stepId?: string): Compiled {
  const cached = compiledCache.get(expression);
  if (cached) return cached;
  try {
    const compiled = jsonata(expression, {
      timeout: EXPRESSION_TIMEOUT_MS,
      stack: EXPRESSION_MAX_DEPTH,
    });
    compiledCache.set(expression, compiled);
    return compiled;
  } catch (error) {
    throw new ExpressionError(expression, jsonataMessage(error), { stepId, cause: error });
  }
}

function jsonataMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

/** Every `${{ ... }}` expression inside a string, as written (trimmed). */
export function extractExpressions(text: string): string[] {
  return [...text.matchAll(TEMPLATE_PATTERN)].map((m) => (m[1] ?? '').trim());
}

/** Whether a value (deeply) contains any template. */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return extractExpressions(value).length > 0;
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(hasTemplate);
  return false;
}

/** JSONata's own `$fromMillis`, for `$now()` on a clock of the caller's. */
const FROM_MILLIS = jsonata('$fromMillis($ms, $picture, $timezone)');

/**
 * The bindings of one evaluation: `$now()` and `$millis()` read `clock` when one is given (a
 * tabletop exercise's virtual clock), as they would the wall clock.
 */
function bindingsFor(clock: Pick<Clock, 'now'> | undefined) {
  if (clock === undefined) return RUNTIME_BINDINGS;
  const ms = clock.now();
  return {
    ...RUNTIME_BINDINGS,
    millis: () => ms,
    now: (picture?: string, timezone?: string) =>
      FROM_MILLIS.evaluate({}, { ms, picture, timezone }),
  };
}

async function evaluate(
  expression: string,
  scope: ExpressionScope,
  stepId?: string,
  clock?: Pick<Clock, 'now'>,
) {
  const compiled = compileExpression(expression, stepId);
  try {
    return await compiled.evaluate(scope, bindingsFor(clock));
  } catch (error) {
    throw new ExpressionError(expression, jsonataMessage(error), { stepId, cause: error });
  }
}

/**
 * Resolves templates in a value: a string that is one whole template becomes the expression's
 * value (object, number...); templates inside longer strings are replaced by their text.
 */
export async function resolveTemplates(
  value: unknown,
  scope: ExpressionScope,
  stepId?: string,
  clock?: Pick<Clock, 'now'>,
): Promise<unknown> {
  if (typeof value === 'string') {
    const whole = WHOLE_TEMPLATE_PATTERN.exec(value);
    if (whole && extractExpressions(value).length === 1) {
      return evaluate((whole[1] ?? '').trim(), scope, stepId, clock);
    }
    let result = '';
    let last = 0;
    for (const match of value.matchAll(TEMPLATE_PATTERN)) {
      const evaluated = await evaluate((match[1] ?? '').trim(), scope, stepId, clock);
      result += value.slice(last, match.index) + toText(evaluated);
      last = (match.index ?? 0) + match[0].length;
    }
    return result + value.slice(last);
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((item) => resolveTemplates(item, scope, stepId, clock)));
  }
  if (value && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [
        k,
        await resolveTemplates(v, scope, stepId, clock),
      ]),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Evaluates a step's `if:` (bare JSONata or one template) to a boolean. */
export async function evaluateCondition(
  condition: string,
  scope: ExpressionScope,
  stepId?: string,
  clock?: Pick<Clock, 'now'>,
): Promise<boolean> {
  const whole = WHOLE_TEMPLATE_PATTERN.exec(condition);
  const expression = whole ? (whole[1] ?? '').trim() : condition;
  return Boolean(await evaluate(expression, scope, stepId, clock));
}
