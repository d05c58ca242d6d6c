import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustProxy, parseTrustProxy } from './client-address.js';

const request = (peer: string, forwardedFor?: string) => ({
  socket: { remoteAddress: peer },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('clientAddress', () => {
  it('is the TCP peer when no proxy is trusted, whatever the header says', () => {
    expect(clientAddress(request('198.51.100.7', '10.0.0.1'), compileTrustProxy(false))).toBe('198.51.100.7');
  });

  it('behind one trusted hop is the address that proxy appended, not what the client wrote', () => {
    const trust = compileTrustProxy(1);
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.7'), trust)).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1', '198.51.100.7'), trust)).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1'), trust)).toBe('127.0.0.1');
  });

  it('walks back through listed proxies only', () => {
    const trust = compileTrustProxy(['127.0.0.1', '10.0.0.0/8']);
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.7, 10.1.2.3'), trust)).toBe('198.51.100.7');
    // A peer that is not a listed proxy is the client itself: its header is ignored.
    expect(clientAddress(request('203.0.113.5', '6.6.6.6'), trust)).toBe('203.0.113.5');
    // IPv4-mapped IPv6 peers (dual-stack sockets) match IPv4 subnets.
    expect(clientAddress(request('::ffff:10.0.0.9', '198.51.100.7'), trust)).toBe('198.51.100.7');
    // Garbage in the header is never trusted as a proxy.
    expect(clientAddress(request('127.0.0.1', '198.51.100.7, not-an-ip'), trust)).toBe('not-an-ip');
  });

  it('reads a Socket.IO handshake (address + headers) the same way', () => {
    expect(clientAddress({ address: '127.0.0.1', headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' } }, compileTrustProxy(1))).toBe('198.51.100.7');
  });
});

describe('parseTrustProxy', () => {
  it('accepts the named subnets Express knows', () => {
    const parsed = parseTrustProxy('loopback,uniquelocal');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const trust = compileTrustProxy(parsed.value);
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('192.168.1.1', 0)).toBe(true);
    expect(trust('8.8.8.8', 0)).toBe(false);
  });

  it('refuses a hop count above 10 and an empty entry', () => {
    expect(parseTrustProxy('11').ok).toBe(false);
    expect(parseTrustProxy('127.0.0.1,').ok).toBe(false);
  });
});
