import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { FirebreakError } from '../shared/index.js';

/** Where a request came from, as far as it can be told. */
export interface RequestOrigin {
  /** The client: the peer, or the address a trusted proxy in front says it forwarded for. */
  readonly remoteAddress?: string;
  /** The trusted proxy the request came through, when it did. */
  readonly proxyAddress?: string;
}

/** Tells where a request came from. */
export type OriginOf = (req: IncomingMessage) => RequestOrigin;

/** `::ffff:10.0.0.1` and `[::1]:443` and `10.0.0.1:443` to the bare address; '' if none. */
function bareAddress(text: string): string {
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] as string;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (/^::ffff:[\d.]+$/i.test(address)) address = address.slice(7);
  return isIP(address) === 0 ? '' : address;
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** Public addresses far apart: a trusted list that holds them all trusts the whole internet. */
const PUBLIC_IPV4_SAMPLES = ['1.1.1.1', '64.0.0.1', '128.0.0.1', '192.0.0.1', '223.255.255.254'];
const PUBLIC_IPV6_SAMPLES = ['2001:4860::1', '2600::1', '2a00::1', '2c0f::1', '3ffe::1'];

/**
 * The proxies whose `X-Forwarded-For` is believed: addresses (`10.0.0.5`, `::1`) or networks
 * (`10.0.0.0/8`, `fd00::/8`). Throws CONFIG_INVALID naming an entry that is neither.
 */
export function parseTrustedProxies(entries: readonly string[], setting: string): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.trim().split('/');
    // An address as written, without a port or brackets: a port here is a mistake.
    const bare = isIP(address) === 0 ? '' : bareAddress(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = familyOf(bare) === 'ipv6' ? 128 : 32;
    const validPrefix = bits === undefined || (/^\d+$/.test(prefix ?? '') && bits <= maxBits);
    if (bare === '' || extra !== undefined || !validPrefix) {
      throw new FirebreakError(
        'CONFIG_INVALID',
        `${setting}: "${entry}" is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/8)`,
      );
    }
    if (bits === 0) {
      throw new FirebreakError(
        'CONFIG_INVALID',
        `${setting}: "${entry}" trusts every address, so any client could choose the address ` +
          `it is recorded under; name the proxies' addresses or networks`,
      );
    }
    if (bits === undefined) list.addAddress(bare, familyOf(bare));
    else list.addSubnet(bare, bits, familyOf(bare));
  }
  // Networks so wide, alone or together, that they hold addresses all over the internet.
  const spread = (addresses: readonly string[]) =>
    addresses.every((address) => list.check(address, familyOf(address)));
  if (spread(PUBLIC_IPV4_SAMPLES) || spread(PUBLIC_IPV6_SAMPLES)) {
    throw new FirebreakError(
      'CONFIG_INVALID',
      `${setting} trusts addresses all over the internet, so any client could choose the ` +
        `address it is recorded under; name the proxies' addresses or networks`,
    );
  }
  return list;
}

/**
 * How to tell a request's origin. With no trusted proxy it is the peer, whatever the headers
 * say. When the peer is a trusted proxy, `X-Forwarded-For` is read from its right end (the
 * hop the nearest proxy added) leftwards, past further trusted proxies: the first address that
 * is not one is the client. Entries a client wrote itself sit further left and are never
 * reached unless every proxy on the way is trusted and added nothing.
 */
export function createOriginOf(trusted: BlockList | undefined): OriginOf {
  if (trusted === undefined) return (req) => ({ remoteAddress: req.socket.remoteAddress });
  const isTrusted = (address: string) => trusted.check(address, familyOf(address));
  return (req) => {
    const peer = req.socket.remoteAddress;
    const bare = peer === undefined ? '' : bareAddress(peer);
    if (bare === '' || !isTrusted(bare)) return { remoteAddress: peer };
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
    let client: string | undefined;
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = bareAddress(hops[index] as string);
      // A hop that is no address was not written by a proxy that can be trusted: stop there.
      if (hop === '') break;
      client = hop;
      if (!isTrusted(hop)) break;
    }
    // Every hop trusted: the client is itself inside, at the far end of the chain.
    return client === undefined
      ? { remoteAddress: peer }
      : { remoteAddress: client, proxyAddress: peer };
  };
}
