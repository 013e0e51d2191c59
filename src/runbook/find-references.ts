import jsonata from 'jsonata';
import { findUnknownFunctionCalls } from './check-functions.js';
import type { FunctionCall } from './check-functions.js';

/** A name an expression reads from its scope: `inputs.instanceId` gives root `inputs`. */
export interface ExpressionReference {
  /** The first name of the path (`inputs`, `steps`, `trigger`, ...). */
  readonly root: string;
  /** The plain names after the root, up to the first computed part. */
  readonly path: readonly string[];
  /** Where the root starts in the expression text (0-based). */
  readonly offset: number;
  /**
   * Set when the path is followed by `- name`: `steps.record-facts` parses as
   * `steps.record - facts`, so the step id was probably meant whole.
   */
  readonly minusFollowedBy?: string;
}

/** What {@link findReferences} learned about one expression. */
export interface ExpressionAnalysis {
  readonly references: readonly ExpressionReference[];
  /** Calls to functions JSONata does not define, or that runbooks may not use. */
  readonly unknownFunctions: readonly FunctionCall[];
  /** The JSONata syntax error, with where it was noticed (0-based). */
  readonly syntaxError?: { readonly message: string; readonly offset: number };
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: AstNode[];
  stages?: AstNode[];
  predicate?: AstNode[];
  expr?: AstNode;
  expressions?: AstNode[];
  arguments?: AstNode[];
  lhs?: AstNode | AstNode[][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  terms?: { expression: AstNode }[];
  pattern?: AstNode;
  update?: AstNode;
  delete?: AstNode;
  group?: { lhs: AstNode[][] };
}

/** Analyses by expression text; runbooks repeat the same few expressions many times. */
const analysisCache = new Map<string, ExpressionAnalysis>();
const ANALYSIS_CACHE_MAX_ENTRIES = 10_000;

/**
 * Parses a JSONata expression and lists the scope names it reads at the top level (not the
 * relative names inside predicates or lambdas, which read the current item).
 */
export function findReferences(expression: string): ExpressionAnalysis {
  const cached = analysisCache.get(expression);
  if (cached) return cached;
  const analysis = analyze(expression);
  if (analysisCache.size >= ANALYSIS_CACHE_MAX_ENTRIES) analysisCache.clear();
  analysisCache.set(expression, analysis);
  return analysis;
}

function analyze(expression: string): ExpressionAnalysis {
  let ast: AstNode;
  try {
    ast = jsonata(expression).ast() as AstNode;
  } catch (error) {
    const detail = error as { message?: string; position?: number };
    const offset = Math.max(0, Math.min(expression.length, (detail.position ?? 1) - 1));
    const syntaxError = { message: String(detail.message), offset };
    return { references: [], unknownFunctions: [], syntaxError };
  }
  const references: ExpressionReference[] = [];
  walk(ast, true, expression, references);
  return { references, unknownFunctions: findUnknownFunctionCalls(ast) };
}

function nameStart(node: AstNode, text: string): number {
  const end = node.position ?? 0;
  const length = String(node.value).length;
  const quoted = text[end - 1] === '`';
  return Math.max(0, end - length - (quoted ? 2 : 0));
}

function walkPath(node: AstNode, atRoot: boolean, text: string, out: ExpressionReference[]): void {
  const steps = node.steps ?? [];
  const first = steps[0];
  if (atRoot && first?.type === 'name') {
    const path: string[] = [];
    for (const step of steps.slice(1)) {
      if (step.type !== 'name') break;
      path.push(String(step.value));
    }
    out.push({ root: String(first.value), path, offset: nameStart(first, text) });
  }
  steps.forEach((step, index) => {
    const stepAtRoot = atRoot && index === 0;
    if (step.type !== 'name') walk(step, stepAtRoot, text, out);
    for (const stage of [...(step.stages ?? []), ...(step.predicate ?? [])]) {
      if (stage.expr) walk(stage.expr, false, text, out);
    }
  });
}

function children(node: AstNode): AstNode[] {
  // Left before right, so that references come in reading order.
  const list: (AstNode | undefined)[] = Array.isArray(node.lhs) ? node.lhs.flat() : [node.lhs];
  list.push(
    ...(node.expressions ?? []),
    ...(node.arguments ?? []),
    node.rhs,
    node.condition,
    node.then,
    node.else,
    node.pattern,
    node.update,
    node.delete,
    node.expr,
    ...(node.terms ?? []).map((t) => t.expression),
  );
  if (node.group) list.push(...node.group.lhs.flat());
  return list.filter((n): n is AstNode => n !== undefined && typeof n === 'object');
}

function walk(node: AstNode, atRoot: boolean, text: string, out: ExpressionReference[]): void {
  if (node.type === 'lambda') return; // its body reads its own arguments and context
  if (node.type === 'path') {
    walkPath(node, atRoot, text, out);
    return;
  }
  if (node.type === 'name') {
    walkPath({ type: 'path', steps: [node] }, atRoot, text, out);
    return;
  }
  const before = out.length;
  for (const child of children(node)) walk(child, atRoot, text, out);
  if (node.type === 'binary' && node.value === '-') markMinus(node, out, before);
}

/** `steps.a-b.outputs` parses as `steps.a - b.outputs`; remember what followed the minus. */
function markMinus(node: AstNode, out: ExpressionReference[], before: number): void {
  const rhsFirst = node.rhs?.type === 'path' ? node.rhs.steps?.[0] : undefined;
  const lhsIndex = out.findIndex((r, i) => i >= before && r.root === 'steps');
  const lhs = out[lhsIndex];
  if (!lhs || rhsFirst?.type !== 'name' || node.lhs === undefined || Array.isArray(node.lhs)) {
    return;
  }
  if (node.lhs.type !== 'path') return;
  out[lhsIndex] = { ...lhs, minusFollowedBy: String(rhsFirst.value) };
}
