/**
 * JSONata's built-in functions (https://docs.jsonata.org/), less `$eval`: it would evaluate
 * text as an expression, and text from alarms, findings and Slack must stay data.
 */
export const JSONATA_FUNCTIONS: ReadonlySet<string> = new Set([
  'string',
  'length',
  'substring',
  'substringBefore',
  'substringAfter',
  'uppercase',
  'lowercase',
  'trim',
  'pad',
  'contains',
  'split',
  'join',
  'match',
  'replace',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'abs',
  'floor',
  'ceil',
  'round',
  'power',
  'sqrt',
  'random',
  'sum',
  'max',
  'min',
  'average',
  'count',
  'boolean',
  'not',
  'exists',
  'append',
  'sort',
  'reverse',
  'shuffle',
  'distinct',
  'zip',
  'keys',
  'lookup',
  'spread',
  'merge',
  'sift',
  'each',
  'error',
  'assert',
  'type',
  'now',
  'millis',
  'fromMillis',
  'toMillis',
  'map',
  'filter',
  'single',
  'reduce',
]); // prettier-ignore -- one list, read as a set

/** Functions refused in runbook expressions, with why. */
export const FORBIDDEN_FUNCTIONS: Readonly<Record<string, string>> = {
  eval: 'it would evaluate text (perhaps from an alarm or a finding) as an expression',
};

interface Node {
  type?: string;
  value?: unknown;
  position?: number;
  procedure?: Node;
  [key: string]: unknown;
}

/** A function an expression calls that is neither built in nor defined in it. */
export interface FunctionCall {
  readonly name: string;
  /** Where `$name` starts in the expression text (0-based). */
  readonly offset: number;
}

function visit(node: unknown, each: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, each);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  each(node as Node);
  for (const value of Object.values(node)) visit(value, each);
}

/**
 * The calls in a parsed expression to functions that JSONata does not define and the
 * expression does not bind (`$f := function...`, lambda parameters), and calls to forbidden
 * ones.
 */
export function findUnknownFunctionCalls(ast: unknown): FunctionCall[] {
  const bound = new Set<string>();
  visit(ast, (node) => {
    if (node.type === 'bind' && (node['lhs'] as Node | undefined)?.type === 'variable') {
      bound.add(String((node['lhs'] as Node).value));
    }
    if (node.type === 'lambda') {
      for (const argument of (node['arguments'] as Node[] | undefined) ?? []) {
        bound.add(String(argument.value));
      }
    }
  });
  const calls: FunctionCall[] = [];
  visit(ast, (node) => {
    if (node.type !== 'function' && node.type !== 'partial') return;
    const procedure = node.procedure;
    if (procedure?.type !== 'variable') return;
    const name = String(procedure.value);
    const known = JSONATA_FUNCTIONS.has(name) || bound.has(name);
    if (known && !(name in FORBIDDEN_FUNCTIONS)) return;
    const end = procedure.position ?? 0;
    calls.push({ name, offset: Math.max(0, end - name.length - 1) });
  });
  return calls;
}
