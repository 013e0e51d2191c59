import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { FirebreakError } from '../shared/index.js';
import { loadRunbookFile } from './load-runbook.js';
import type { RunbookDocument } from './schema.js';

/** Every `.yaml`/`.yml` file under the given files and folders, sorted. */
export function findRunbookFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) {
      throw new FirebreakError(
        'RUNBOOK_NOT_FOUND',
        `${path}: no such file or folder (runbooks are read from FIREBREAK_RUNBOOKS, ` +
          `default runbooks/)`,
      );
    }
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) {
        const child = join(path, entry);
        if (statSync(child).isDirectory() || ['.yaml', '.yml'].includes(extname(entry))) {
          files.push(...findRunbookFiles([child]));
        }
      }
    } else {
      files.push(path);
    }
  }
  // One file named two ways (`runbooks/x.yaml`, `./runbooks/x.yaml`) is read once.
  const byResolved = new Map<string, string>();
  for (const file of files) if (!byResolved.has(resolve(file))) byResolved.set(resolve(file), file);
  return [...byResolved.values()].sort();
}

/** A runbook and the file it came from. */
export interface CatalogEntry {
  readonly file: string;
  readonly runbook: RunbookDocument;
}

/** A runbook file left out of a catalog, with the first line of why. */
export interface RefusedRunbookFile {
  readonly file: string;
  /** `file:line:column: message` of its first error. */
  readonly firstError: string;
  /** How many errors it has. */
  readonly errors: number;
}

/** The runbooks a deployment serves, by name. */
export class RunbookCatalog {
  private readonly byName = new Map<string, CatalogEntry>();

  /** `refused`: files left out because they have errors; named when a runbook is not found. */
  constructor(
    runbooks: readonly CatalogEntry[],
    readonly refused: readonly RefusedRunbookFile[] = [],
  ) {
    for (const loaded of runbooks) {
      const name = loaded.runbook.name;
      const other = this.byName.get(name);
      if (other) {
        throw new FirebreakError(
          'RUNBOOK_DUPLICATE',
          `runbook "${name}" is defined twice: ${other.file} and ${loaded.file}`,
        );
      }
      this.byName.set(name, loaded);
    }
  }

  /** Loads every runbook under `paths`; any invalid file refuses the whole catalog. */
  static load(paths: readonly string[]): RunbookCatalog {
    return new RunbookCatalog(findRunbookFiles(paths).map(loadRunbookFile));
  }

  find(name: string): RunbookDocument | undefined {
    return this.byName.get(name)?.runbook;
  }

  /** The runbook called `name`; throws RUNBOOK_UNKNOWN listing the known names. */
  get(name: string): RunbookDocument {
    const runbook = this.find(name);
    if (!runbook) {
      const known = [...this.byName.keys()].sort().join(', ') || 'none';
      const message =
        `unknown runbook "${name}" (known: ${known}); give a runbook's name, ` +
        `from the folders in FIREBREAK_RUNBOOKS (default runbooks/)${this.refusedNote()}`;
      throw new FirebreakError('RUNBOOK_UNKNOWN', message, { runbookId: name });
    }
    return runbook;
  }

  /** Lines naming the files left out and why, to add to a "not found" message ('' if none). */
  refusedNote(): string {
    return this.refused.map((r) => `\n  refused at load: ${r.firstError}`).join('');
  }

  list(): RunbookDocument[] {
    return [...this.byName.values()].map((l) => l.runbook);
  }
}
