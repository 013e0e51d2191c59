import { readFileSync } from 'node:fs';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { z } from 'zod';
import { RunbookInvalidError } from './errors.js';
import type { RunbookProblem, SourcePosition } from './errors.js';
import { runbookSchema } from './schema.js';
import type { RunbookDocument } from './schema.js';

/** A parsed runbook with a way back to where each of its nodes sits in the file. */
export interface LoadedRunbook {
  readonly file: string;
  readonly runbook: RunbookDocument;
  /** Position of the node at `path` (or of its nearest existing parent). */
  positionOf(path: readonly (string | number)[], key?: boolean): SourcePosition;
}

type PathPart = string | number;

/** Locates nodes of one parsed YAML document by path. */
export class SourceMap {
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
    private readonly text = '',
  ) {}

  /**
   * Where `needle` first appears in the source of the node at `path`, `shift` characters in;
   * the node's start when it does not appear as written (escapes, folded lines).
   */
  positionIn(path: readonly PathPart[], needle: string, shift = 0): SourcePosition {
    const node = this.nodeAt(path);
    const range = isNode(node) ? node.range : undefined;
    if (!range) return this.positionOf(path);
    const index = this.text.slice(range[0], range[1]).indexOf(needle);
    return this.at(range[0] + (index < 0 ? 0 : index + shift));
  }

  private nodeAt(path: readonly PathPart[]): unknown {
    let node: unknown = this.document.contents;
    for (const part of path) {
      const next = childOf(node, part);
      if (next === undefined) return undefined;
      node = next.value;
    }
    return node;
  }

  /** Where the node at `path` starts; with `key`, where its key starts. */
  positionOf(path: readonly PathPart[], key = false): SourcePosition {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    for (const part of path) {
      const next = childOf(node, part);
      if (next === undefined) break;
      node = next.value;
      keyNode = next.key;
    }
    const target = key && keyNode !== undefined ? keyNode : node;
    const offset = isNode(target) && target.range ? target.range[0] : 0;
    return this.at(offset);
  }

  /** Position of a character offset. */
  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }
}

function childOf(node: unknown, part: PathPart): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === part);
    return pair ? { key: pair.key, value: pair.value ?? pair.key } : undefined;
  }
  if (isNode(node) && 'items' in node && Array.isArray(node.items) && typeof part === 'number') {
    const item = node.items[part] as Node | undefined;
    return item === undefined ? undefined : { key: undefined, value: item };
  }
  return undefined;
}

/** Parses YAML text into a document and its source map; YAML syntax errors become problems. */
export function parseYamlWithPositions(
  file: string,
  text: string,
): { data: unknown; source: SourceMap; problems: RunbookProblem[] } {
  const lines = new LineCounter();
  const options = { lineCounter: lines, prettyErrors: false, uniqueKeys: true };
  const document = parseDocument(text, options);
  const source = new SourceMap(file, document, lines, text);
  const problems = document.errors.map((error) => ({
    ...source.at(error.pos[0]),
    severity: 'error' as const,
    message: `YAML syntax: ${error.message.split('\n')[0]}`,
  }));
  if (problems.length > 0) return { data: undefined, source, problems };
  try {
    // maxAliasCount refuses "billion laughs" alias bombs instead of expanding them.
    return { data: document.toJS({ maxAliasCount: 100 }), source, problems };
  } catch (error) {
    const message = `YAML: ${(error as Error).message}`;
    return { data: undefined, source, problems: [{ ...source.at(0), severity: 'error', message }] };
  }
}

/** Turns zod issues into problems placed at the offending node. */
export function problemsFromIssues(
  source: SourceMap,
  issues: z.core.$ZodIssue[],
): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathPart => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          ...source.positionOf([...path, key], true),
          severity: 'error',
          message: `unknown field "${key}" in ${describePath(path)}`,
        });
      }
      continue;
    }
    problems.push({
      ...source.positionOf(path),
      severity: 'error',
      message: `${describePath(path)}: ${describeIssue(issue)}`,
    });
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `missing required field (expected ${issue.expected})`;
  }
  return issue.message;
}

/** `phases.contain[1].with` style, for messages. */
export function describePath(path: readonly PathPart[]): string {
  if (path.length === 0) return 'runbook';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** Parses and schema-checks runbook text. Throws {@link RunbookInvalidError} listing every error. */
export function parseRunbook(file: string, text: string): LoadedRunbook {
  const { data, source, problems } = parseYamlWithPositions(file, text);
  if (problems.length > 0) throw new RunbookInvalidError(problems);

  const result = runbookSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success)
    throw new RunbookInvalidError(problemsFromIssues(source, result.error.issues));

  return {
    file,
    runbook: result.data,
    positionOf: (path, key) => source.positionOf(path, key),
  };
}

/** Reads and parses one runbook file. */
export function loadRunbookFile(file: string): LoadedRunbook {
  return parseRunbook(file, readFileSync(file, 'utf8'));
}
