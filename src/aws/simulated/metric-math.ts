import { awsError } from './simulated-aws-error.js';

type Token =
  { kind: 'number'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([a-z][a-zA-Z0-9_]*)|([-+*/()]))/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < expression.length && (match = pattern.exec(expression)) !== null) {
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'id', value: match[2] });
    else tokens.push({ kind: 'op', value: match[3] as string });
  }
  if (pattern.lastIndex < expression.trimEnd().length) {
    throw awsError(
      'ValidationError',
      `The simulated account cannot evaluate the expression "${expression}"; it supports + - * / ( ) on query ids and numbers`,
    );
  }
  return tokens;
}

/**
 * Evaluates a metric-math expression of the simple kind (`m1 / m2 * 100`, `(a + b) / 2`) for
 * one timestamp, given the value of each query id there. A missing value makes the result
 * undefined, as CloudWatch leaves a gap.
 */
export function evaluateMetricMath(
  expression: string,
  values: Record<string, number | undefined>,
): number | undefined {
  const tokens = tokenize(expression);
  let position = 0;

  const primary = (): number | undefined => {
    const token = tokens[position++];
    if (token === undefined)
      throw awsError('ValidationError', `Unexpected end of expression "${expression}"`);
    if (token.kind === 'number') return token.value;
    if (token.kind === 'id') return values[token.value];
    if (token.value === '(') {
      const inner = sum();
      position++;
      return inner;
    }
    if (token.value === '-') {
      const operand = primary();
      return operand === undefined ? undefined : -operand;
    }
    throw awsError('ValidationError', `Unexpected "${token.value}" in expression "${expression}"`);
  };
  const product = (): number | undefined => {
    let left = primary();
    while (
      tokens[position]?.kind === 'op' &&
      (tokens[position]?.value === '*' || tokens[position]?.value === '/')
    ) {
      const op = tokens[position++]?.value;
      const right = primary();
      left =
        left === undefined || right === undefined
          ? undefined
          : op === '*'
            ? left * right
            : left / right;
    }
    return left;
  };
  const sum = (): number | undefined => {
    let left = product();
    while (
      tokens[position]?.kind === 'op' &&
      (tokens[position]?.value === '+' || tokens[position]?.value === '-')
    ) {
      const op = tokens[position++]?.value;
      const right = product();
      left =
        left === undefined || right === undefined
          ? undefined
          : op === '+'
            ? left + right
            : left - right;
    }
    return left;
  };
  return sum();
}
