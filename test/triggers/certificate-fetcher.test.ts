import { Agent, createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  SnsSignatureError,
  createCachedCertificateFetcher,
  createHttpsCertificateFetcher,
} from '../../src/triggers/index.js';
import { readCorpus } from './corpus.js';
import { createTestSigningKey, hasOpenssl } from './signing-key.js';

const SNS_PEM = readCorpus(
  'sns-envelopes',
  'cert-SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem',
);
const HOST = 'sns.us-east-1.amazonaws.com';

function certUrl(hash: string): URL {
  return new URL(`https://${HOST}/SimpleNotificationService-${hash}.pem`);
}

describe('createCachedCertificateFetcher', () => {
  it('fetches each URL once and shares a pending fetch', async () => {
    const calls: string[] = [];
    const cached = createCachedCertificateFetcher(async (url) => {
      calls.push(url.href);
      return SNS_PEM;
    });

    const [first, second] = await Promise.all([cached(certUrl('aa')), cached(certUrl('aa'))]);
    await cached(certUrl('aa'));

    expect(first).toBe(SNS_PEM);
    expect(second).toBe(SNS_PEM);
    expect(calls).toEqual([certUrl('aa').href]);
  });

  it('does not keep a failed fetch', async () => {
    let attempts = 0;
    const cached = createCachedCertificateFetcher(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('network down');
      return SNS_PEM;
    });

    await expect(cached(certUrl('aa'))).rejects.toThrow('network down');
    await expect(cached(certUrl('aa'))).resolves.toBe(SNS_PEM);
    expect(attempts).toBe(2);
  });

  it('evicts the least recently used entry past maxEntries', async () => {
    const calls: string[] = [];
    const cached = createCachedCertificateFetcher(
      async (url) => {
        calls.push(url.pathname);
        return SNS_PEM;
      },
      { maxEntries: 2 },
    );

    await cached(certUrl('aa'));
    await cached(certUrl('bb'));
    await cached(certUrl('aa'));
    await cached(certUrl('cc'));
    await cached(certUrl('aa'));
    await cached(certUrl('bb'));

    expect(calls.map((pathname) => pathname.slice(27, 29))).toEqual(['aa', 'bb', 'cc', 'bb']);
  });

  it('refuses a maxEntries below 1', () => {
    expect(() => createCachedCertificateFetcher(async () => '', { maxEntries: 0 })).toThrow(
      RangeError,
    );
  });
});

// A local HTTPS server with a throwaway certificate for the SNS host name. Connections go to
// 127.0.0.1 through a test agent, so no DNS lookup and no traffic leaves the machine.
describe.skipIf(!hasOpenssl())('createHttpsCertificateFetcher', () => {
  let server: Server;
  let agent: Agent;
  let ca: string;

  beforeAll(async () => {
    const testKey = createTestSigningKey(HOST);
    ca = testKey.certificatePem;

    server = createServer({ key: testKey.privateKeyPem, cert: ca }, (request, response) => {
      const hash = /SimpleNotificationService-([0-9a-f]+)\.pem$/.exec(request.url ?? '')?.[1];
      if (hash === 'aa') response.end(SNS_PEM);
      else if (hash === 'bb') response.writeHead(302, { location: '/evil.pem' }).end();
      else if (hash === 'cc') {
        // Two writes: chunked encoding, no Content-Length to refuse up front.
        response.write('x'.repeat(50_000));
        response.end('x'.repeat(50_000));
      } else if (hash === 'ee') response.end('<html>not a certificate</html>');
      else if (hash === 'ff') response.writeHead(200, { 'content-length': '1000000' }).write('x');
      // "dd" never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    agent = new Agent({ keepAlive: false });
    Object.assign(agent, {
      createConnection: (options: ConnectionOptions) =>
        connect({ ...options, host: '127.0.0.1', port, servername: HOST }),
    });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    agent.destroy();
  });

  it('returns the PEM over HTTPS', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent, ca });

    await expect(fetcher(certUrl('aa'))).resolves.toBe(SNS_PEM);
  });

  it('does not follow a redirect', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent, ca });

    await expect(fetcher(certUrl('bb'))).rejects.toThrow(/HTTP status 302/);
  });

  it('stops reading past maxBytes', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent, ca, maxBytes: 8192 });

    await expect(fetcher(certUrl('cc'))).rejects.toThrow(/8192 byte limit/);
  });

  it('refuses a declared length past maxBytes before reading', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent, ca, maxBytes: 8192 });

    await expect(fetcher(certUrl('ff'))).rejects.toThrow(/1000000 bytes/);
  });

  it('gives up after timeoutMs', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent, ca, timeoutMs: 200 });

    await expect(fetcher(certUrl('dd'))).rejects.toThrow(/timed out after 200 ms/);
  });

  it('refuses a body that is not a PEM certificate', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent, ca });

    await expect(fetcher(certUrl('ee'))).rejects.toThrow(/not a PEM certificate/);
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const fetcher = createHttpsCertificateFetcher({ agent });

    await expect(fetcher(certUrl('aa'))).rejects.toThrow(/self[- ]signed/i);
  });

  it('refuses a look-alike URL without connecting', async () => {
    let connections = 0;
    server.once('secureConnection', () => {
      connections += 1;
    });
    const fetcher = createHttpsCertificateFetcher({ agent, ca });
    const url = new URL(
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-aa.pem',
    );

    const error: unknown = await fetcher(url).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SnsSignatureError);
    expect((error as SnsSignatureError).code).toBe('SNS_CERT_URL_REFUSED');
    expect(connections).toBe(0);
  });
});
