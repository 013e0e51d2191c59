import { readFileSync } from 'node:fs';
import { checkRunbook } from './check-runbook.js';
import type { CheckRunbookOptions } from './check-runbook.js';
import { RunbookInvalidError } from './errors.js';
import type { RunbookProblem } from './errors.js';
import { parseYamlWithPositions, problemsFromIssues } from './load-runbook.js';
import { findRunbookFiles, RunbookCatalog } from './runbook-catalog.js';
import type { RefusedRunbookFile } from './runbook-catalog.js';
import { runbookSchema } from './schema.js';
import type { RunbookDocument } from './schema.js';

/** Options for {@link validateRunbookText}: the actions and roles to check against. */
export type ValidateRunbookOptions = CheckRunbookOptions;

/** What validating one file found. */
export interface RunbookValidation {
  readonly file: string;
  /** The parsed runbook, when it passed the schema (it may still have semantic errors). */
  readonly runbook?: RunbookDocument;
  /** Every problem, errors and warnings, in file order. */
  readonly problems: readonly RunbookProblem[];
}

/**
 * Validates runbook text: YAML syntax, then the schema, then semantic checks. Collects every
 * problem instead of stopping at the first; never throws for a bad runbook.
 */
export function validateRunbookText(
  file: string,
  text: string,
  options: ValidateRunbookOptions,
): RunbookValidation {
  const { data, source, problems } = parseYamlWithPositions(file, text);
  if (problems.length > 0) return { file, problems };

  const result = runbookSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) return { file, problems: problemsFromIssues(source, result.error.issues) };

  return { file, runbook: result.data, problems: checkRunbook(result.data, source, options) };
}

/** Validates every `.yaml`/`.yml` runbook under the given files and folders, sorted by path. */
export function validateRunbookFiles(
  paths: readonly string[],
  options: ValidateRunbookOptions,
): RunbookValidation[] {
  const { validations, texts } = validateEachFile(paths, options);
  return markDuplicateNames(validations, texts);
}

function validateEachFile(paths: readonly string[], options: ValidateRunbookOptions) {
  const texts = new Map(findRunbookFiles(paths).map((file) => [file, readFileSync(file, 'utf8')]));
  const validations = [...texts].map(([file, text]) => validateRunbookText(file, text, options));
  return { validations, texts };
}

/** The line of a runbook's `name:` key (1 when there is none). */
function nameLineOf(text: string): number {
  const at = /^["']?name["']?\s*:/m.exec(text)?.index ?? 0;
  return text.slice(0, at).split('\n').length;
}

/** A runbook name is its id: a second file with the same name is an error at its `name:`. */
function markDuplicateNames(
  validations: readonly RunbookValidation[],
  texts: ReadonlyMap<string, string>,
): RunbookValidation[] {
  const firstFile = new Map<string, string>();
  return validations.map((validation) => {
    const name = validation.runbook?.name;
    if (name === undefined) return validation;
    const first = firstFile.get(name);
    if (first === undefined) {
      firstFile.set(name, validation.file);
      return validation;
    }
    const problem: RunbookProblem = {
      file: validation.file,
      line: nameLineOf(texts.get(validation.file) ?? ''),
      column: 1,
      severity: 'error',
      message: `runbook name "${name}" is already used by ${first}; names must be unique`,
    };
    return { ...validation, problems: [...validation.problems, problem] };
  });
}

/** Whether any validation found an error (warnings do not count). */
export function hasErrors(validations: readonly RunbookValidation[]): boolean {
  return validations.some((v) => v.problems.some((p) => p.severity === 'error'));
}

/**
 * Loads the runbooks a process is about to serve, checked in full (schema and semantics), in
 * one pass. Refuses them all, listing every error with its position, when any has one: a
 * mistake must surface at start, not mid-run.
 */
export function loadValidatedCatalog(
  paths: readonly string[],
  options: ValidateRunbookOptions & {
    /**
     * Leave files with errors out instead of refusing them all, telling this about each: a
     * server must not lose every runbook over one half-written file. The catalog names them
     * when a runbook is not found.
     */
    onRefused?: (file: string, errors: readonly RunbookProblem[]) => void;
  },
): RunbookCatalog {
  const errorsOf = (v: RunbookValidation) => v.problems.filter((p) => p.severity === 'error');
  const { onRefused } = options;
  if (onRefused === undefined) {
    const errors = validateRunbookFiles(paths, options).flatMap(errorsOf);
    if (errors.length > 0) throw new RunbookInvalidError(errors);
  }
  // Names are compared among files without errors only: a broken draft beside a good file does
  // not take it down, and two good files with one name are both refused (no silent pick).
  const { validations: each, texts } = validateEachFile(paths, options);
  const filesByName = new Map<string, string[]>();
  for (const v of each) {
    if (v.runbook === undefined || errorsOf(v).length > 0) continue;
    filesByName.set(v.runbook.name, [...(filesByName.get(v.runbook.name) ?? []), v.file]);
  }
  const validations = each.map((v): RunbookValidation => {
    const files = v.runbook && errorsOf(v).length === 0 ? filesByName.get(v.runbook.name) : [];
    if (v.runbook === undefined || files === undefined || files.length < 2) return v;
    const problem: RunbookProblem = {
      file: v.file,
      line: nameLineOf(texts.get(v.file) ?? ''),
      column: 1,
      severity: 'error',
      message:
        `runbook name "${v.runbook.name}" is used by ${files.join(' and ')}; ` +
        `none of them is served until one is renamed or removed`,
    };
    return { ...v, problems: [...v.problems, problem] };
  });
  const refused: RefusedRunbookFile[] = [];
  const entries = validations.flatMap((validation) => {
    const errors = errorsOf(validation);
    if (errors.length > 0) {
      onRefused?.(validation.file, errors);
      const first = errors[0] as RunbookProblem;
      const firstError = `${first.file}:${first.line}:${first.column}: ${first.message}`;
      refused.push({ file: validation.file, firstError, errors: errors.length });
      return [];
    }
    const { file, runbook } = validation;
    return runbook ? [{ file, runbook }] : [];
  });
  return new RunbookCatalog(entries, refused);
}
