import { request } from 'node:https';
import type { Agent } from 'node:https';

import { checkSigningCertUrl } from './verify-sns-signature.js';

/**
 * Returns the PEM text of the certificate at an already-checked SNS certificate URL. Injected
 * so tests serve PEMs from files and production can cache.
 */
export type CertificateFetcher = (url: URL) => Promise<string>;

/** Default for {@link HttpsCertificateFetcherOptions.timeoutMs}. */
export const DEFAULT_CERT_FETCH_TIMEOUT_MS = 3000;
/** Default for {@link HttpsCertificateFetcherOptions.maxBytes}: SNS PEMs are about 2 KiB. */
export const DEFAULT_CERT_MAX_BYTES = 16 * 1024;
/** Default for {@link CachedCertificateFetcherOptions.maxEntries}. */
export const DEFAULT_CERT_CACHE_MAX_ENTRIES = 64;

/** Options for {@link createHttpsCertificateFetcher}. */
export interface HttpsCertificateFetcherOptions {
  /** Whole-request deadline in milliseconds, connect to last byte. Default 3000. */
  timeoutMs?: number;
  /** Largest response body accepted, in bytes. Default 16 KiB. */
  maxBytes?: number;
  /** Extra trusted CAs (PEM). Default: Node's bundled roots. */
  ca?: string | readonly string[];
  /** HTTPS agent, e.g. for an egress proxy. Default: Node's global agent. */
  agent?: Agent;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

/**
 * A fetcher over node:https. It re-checks the URL with {@link checkSigningCertUrl}, follows no
 * redirects (any status but 200 fails), enforces a whole-request deadline and a size limit,
 * and returns the body only if it holds a PEM certificate. Wrap it in
 * {@link createCachedCertificateFetcher} for production.
 */
export function createHttpsCertificateFetcher(
  options: HttpsCertificateFetcherOptions = {},
): CertificateFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CERT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_CERT_MAX_BYTES;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);

  return async (url) => {
    const checked = checkSigningCertUrl(url.href);
    return fetchText(checked, { ...options, timeoutMs, maxBytes });
  };
}

interface FetchConfig extends HttpsCertificateFetcherOptions {
  timeoutMs: number;
  maxBytes: number;
}

function fetchText(url: URL, config: FetchConfig): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'application/x-pem-file, */*' },
      ...(config.ca === undefined ? {} : { ca: config.ca as string | string[] }),
      ...(config.agent === undefined ? {} : { agent: config.agent }),
    });
    const fail = (error: Error): void => {
      clearTimeout(deadline);
      req.destroy();
      reject(error);
    };
    const deadline = setTimeout(
      () => fail(new Error(`timed out after ${config.timeoutMs} ms`)),
      config.timeoutMs,
    );

    req.on('error', fail);
    req.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        fail(
          new Error(`HTTP status ${response.statusCode ?? 'none'} (redirects are not followed)`),
        );
        return;
      }
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > config.maxBytes) {
        fail(new Error(`certificate is ${declared} bytes, over the ${config.maxBytes} limit`));
        return;
      }

      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > config.maxBytes) {
          fail(new Error(`certificate is over the ${config.maxBytes} byte limit`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(deadline);
        const text = Buffer.concat(chunks).toString('utf8');
        if (!PEM_CERTIFICATE.test(text)) reject(new Error('response is not a PEM certificate'));
        else resolve(text);
      });
    });
    req.end();
  });
}

/** Options for {@link createCachedCertificateFetcher}. */
export interface CachedCertificateFetcherOptions {
  /** Most certificates kept; the least recently used goes first. Default 64. */
  maxEntries?: number;
}

/**
 * Caches another fetcher's answers by URL, least recently used out first. Concurrent requests
 * for one URL share a fetch; a failed fetch is not cached.
 */
export function createCachedCertificateFetcher(
  fetcher: CertificateFetcher,
  options: CachedCertificateFetcherOptions = {},
): CertificateFetcher {
  const maxEntries = options.maxEntries ?? DEFAULT_CERT_CACHE_MAX_ENTRIES;
  if (!(maxEntries >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${maxEntries}`);
  const entries = new Map<string, Promise<string>>();

  return (url) => {
    const key = url.href;
    const cached = entries.get(key);
    if (cached !== undefined) {
      entries.delete(key);
      entries.set(key, cached);
      return cached;
    }

    const pending = fetcher(url);
    entries.set(key, pending);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    pending.catch(() => {
      if (entries.get(key) === pending) entries.delete(key);
    });
    return pending;
  };
}
