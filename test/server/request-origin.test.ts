import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createOriginOf, parseTrustedProxies } from '../../src/server/request-origin.js';

function request(peer: string | undefined, forwardedFor?: string | string[]): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

const trusting = (...entries: string[]) =>
  createOriginOf(parseTrustedProxies(entries, 'FIREBREAK_TRUSTED_PROXIES'));

describe('createOriginOf', () => {
  it('records the peer and ignores X-Forwarded-For when no proxy is trusted', () => {
    const originOf = createOriginOf(undefined);
    expect(originOf(request('203.0.113.9', '198.51.100.1'))).toEqual({
      remoteAddress: '203.0.113.9',
    });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (a client forging it)', () => {
    const originOf = trusting('10.0.0.5');
    expect(originOf(request('203.0.113.9', '198.51.100.1'))).toEqual({
      remoteAddress: '203.0.113.9',
    });
  });

  it('takes the client from the hop a trusted proxy added, past a forged hop further left', () => {
    const originOf = trusting('10.0.0.5');
    expect(originOf(request('10.0.0.5', '1.2.3.4, 198.51.100.7'))).toEqual({
      remoteAddress: '198.51.100.7',
      proxyAddress: '10.0.0.5',
    });
  });

  it('walks past a chain of trusted proxies given as networks, IPv4-mapped peers included', () => {
    const originOf = trusting('10.0.0.0/8', 'fd00::/8');
    const origin = originOf(request('::ffff:10.1.2.3', ['198.51.100.7, fd00::2', '10.9.9.9']));
    expect(origin).toEqual({ remoteAddress: '198.51.100.7', proxyAddress: '::ffff:10.1.2.3' });
  });

  it('reads IPv6 hops and hops with ports', () => {
    const originOf = trusting('::1');
    expect(originOf(request('::1', '[2001:db8::7]:443'))).toEqual({
      remoteAddress: '2001:db8::7',
      proxyAddress: '::1',
    });
    expect(originOf(request('::1', '192.0.2.4:5123'))).toEqual({
      remoteAddress: '192.0.2.4',
      proxyAddress: '::1',
    });
  });

  it('keeps the peer when the header is missing or not an address', () => {
    const originOf = trusting('127.0.0.1', '10.0.0.0/8');
    expect(originOf(request('127.0.0.1'))).toEqual({ remoteAddress: '127.0.0.1' });
    expect(originOf(request('127.0.0.1', 'unknown'))).toEqual({ remoteAddress: '127.0.0.1' });
    expect(originOf(request('127.0.0.1', '198.51.100.7, nonsense'))).toEqual({
      remoteAddress: '127.0.0.1',
    });
  });

  it('takes the far end of a chain of trusted proxies as the client (an inside caller)', () => {
    const originOf = trusting('127.0.0.1', '10.0.0.0/8');
    expect(originOf(request('127.0.0.1', '10.0.0.1, 10.0.0.2'))).toEqual({
      remoteAddress: '10.0.0.1',
      proxyAddress: '127.0.0.1',
    });
  });
});

describe('parseTrustedProxies', () => {
  it.each([
    'proxy.internal',
    '10.0.0.0/33',
    '10.0.0.0/8/1',
    'fd00::/129',
    '10.0.0.0/x',
    '',
    '10.0.0.1:443',
    '[::1]',
  ])('refuses %j, naming the setting and the entry', (entry) => {
    expect(() => parseTrustedProxies([entry], 'FIREBREAK_TRUSTED_PROXIES')).toThrow(
      `FIREBREAK_TRUSTED_PROXIES: "${entry}" is not an IP address or network`,
    );
  });

  it.each([['::ffff:0:0/96'], ['::/1'], ['0.0.0.0/1', '128.0.0.0/1'], ['2000::/3']])(
    'refuses networks that trust addresses all over the internet: %j',
    (...entries) => {
      expect(() => parseTrustedProxies(entries, 'FIREBREAK_TRUSTED_PROXIES')).toThrow(
        'FIREBREAK_TRUSTED_PROXIES trusts addresses all over the internet',
      );
    },
  );

  it('takes private networks and a public load balancer address', () => {
    const list = parseTrustedProxies(
      ['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8', '203.0.113.10'],
      'FIREBREAK_TRUSTED_PROXIES',
    );
    expect(list.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(list.check('8.8.8.8', 'ipv4')).toBe(false);
  });

  it('refuses a network that trusts every address', () => {
    for (const entry of ['0.0.0.0/0', '::/0']) {
      expect(() => parseTrustedProxies([entry], 'FIREBREAK_TRUSTED_PROXIES')).toThrow(
        `FIREBREAK_TRUSTED_PROXIES: "${entry}" trusts every address`,
      );
    }
  });
});
