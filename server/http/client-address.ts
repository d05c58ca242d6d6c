import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which reverse proxies to believe about the client's address (`TRUST_PROXY`): none, the
 * nearest N hops, or proxies at these addresses and subnets. Never "everyone": a client could
 * then name any address it likes in `X-Forwarded-For` and dodge every per-address limit.
 */
export type TrustProxy = false | number | readonly string[];

/** Whether the address `hop` steps from us (0: the TCP peer) is a proxy we trust. */
export type TrustProxyFn = (address: string, hop: number) => boolean;

/** Express's named subnets, so an operator can write `loopback,uniquelocal`. */
const NAMED_SUBNETS: Record<string, readonly string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const MAX_TRUSTED_HOPS = 10;

export type TrustProxyParse = { ok: true; value: TrustProxy } | { ok: false; message: string };

/**
 * Reads `TRUST_PROXY`: `false`/`0` (no proxy), a hop count (`1` behind one nginx), or a
 * comma-separated list of addresses, CIDR subnets and Express's names (`loopback`, ...).
 */
export function parseTrustProxy(raw: string): TrustProxyParse {
  const value = raw.trim().toLowerCase();
  if (value === 'false' || value === '0') return { ok: true, value: false };
  if (value === 'true' || value === 'all' || value === '*') {
    return {
      ok: false,
      message:
        'must not trust every proxy: any client could then set its own address in X-Forwarded-For. ' +
        'Give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. 127.0.0.1,10.0.0.0/8)',
    };
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_TRUSTED_HOPS) return { ok: false, message: `a hop count must be at most ${MAX_TRUSTED_HOPS}` };
    return { ok: true, value: hops };
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !(entry in NAMED_SUBNETS) && subnetOf(entry) === null);
  if (bad.length > 0) {
    return { ok: false, message: `not an address, CIDR subnet or hop count: ${bad.join(', ')} (e.g. 1, or 127.0.0.1,10.0.0.0/8)` };
  }
  return { ok: true, value: entries };
}

function subnetOf(entry: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | null {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The one trust rule, used by Express (`req.ip`, `req.secure`) and the Socket.IO handshake alike. */
export function compileTrustProxy(setting: TrustProxy): TrustProxyFn {
  if (setting === false) return () => false;
  if (typeof setting === 'number') {
    const hops = setting;
    return (_address, hop) => hop < hops;
  }
  const proxies = new BlockList();
  for (const entry of setting) {
    for (const item of NAMED_SUBNETS[entry] ?? [entry]) {
      const subnet = subnetOf(item);
      if (subnet) proxies.addSubnet(subnet.address, subnet.prefix, subnet.type);
    }
  }
  return (address) => {
    const version = isIP(address);
    // BlockList matches IPv4-mapped IPv6 peers (::ffff:10.0.0.1) against IPv4 subnets.
    return version !== 0 && proxies.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/** An HTTP request or a Socket.IO handshake: whatever carries headers and the TCP peer. */
export interface AddressSource {
  headers: IncomingHttpHeaders;
  /** Node's IncomingMessage. */
  socket?: { remoteAddress?: string | undefined } | null;
  /** Socket.IO's handshake. */
  address?: string;
}

/**
 * The client's address: walk from the TCP peer back through `X-Forwarded-For` (right to left)
 * while each hop is a trusted proxy; the first untrusted one is the client. What a client
 * writes on the left of the header is never reached unless every proxy after it is trusted.
 * Same walk as Express's `req.ip` (proxy-addr), so HTTP and sockets agree.
 */
export function clientAddress(source: AddressSource, trust: TrustProxyFn): string {
  const peer = source.socket?.remoteAddress ?? source.address ?? 'unknown';
  const header = source.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '')
    .reverse();
  const hops = [peer, ...forwarded];
  let index = 0;
  while (index < hops.length - 1 && trust(hops[index]!, index)) index++;
  return hops[index]!;
}
