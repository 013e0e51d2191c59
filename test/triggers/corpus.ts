import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { CertificateFetcher } from '../../src/triggers/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared sample corpus: `FIREBREAK_CORPUS_DIR`, else `../shared/corpus` beside the
 * repository, where CI lays it (test/global-setup.ts checks it is there).
 */
export const CORPUS_DIR = process.env['FIREBREAK_CORPUS_DIR']
  ? path.resolve(process.env['FIREBREAK_CORPUS_DIR'])
  : path.resolve(repoRoot, '..', 'shared', 'corpus');

/** Reads a corpus file as UTF-8 text, e.g. `readCorpus('guardduty', 'x.json')`. */
export function readCorpus(folder: string, file: string): string {
  return readFileSync(path.join(CORPUS_DIR, folder, file), 'utf8');
}

/** File names in a corpus folder. */
export function listCorpus(folder: string): string[] {
  return readdirSync(path.join(CORPUS_DIR, folder)).sort();
}

/** PEMs in the corpus keyed by the hash in their file name. */
export function loadCorpusCertificates(): Map<string, string> {
  const pems = new Map<string, string>();
  for (const file of listCorpus('sns-envelopes')) {
    const match = /^cert-SimpleNotificationService-([0-9a-f]+)\.pem$/.exec(file);
    if (match?.[1] !== undefined) pems.set(match[1], readCorpus('sns-envelopes', file));
  }
  return pems;
}

/**
 * A fetcher that serves PEMs from the corpus by the hash in the URL and never touches the
 * network; `requests` records every URL asked for.
 */
export function createCorpusFetcher(
  overrides: Readonly<Record<string, string>> = {},
): CertificateFetcher & { requests: URL[] } {
  const pems = loadCorpusCertificates();
  const requests: URL[] = [];
  const fetcher = async (url: URL): Promise<string> => {
    requests.push(url);
    const hash = /SimpleNotificationService-([0-9a-f]+)\.pem$/.exec(url.pathname)?.[1] ?? '';
    const pem = overrides[hash] ?? pems.get(hash);
    if (pem === undefined) throw new Error(`certificate ${hash} is not in the corpus`);
    return pem;
  };
  return Object.assign(fetcher, { requests });
}
