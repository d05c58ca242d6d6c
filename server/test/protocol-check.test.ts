import { describe, expect, it } from 'vitest';
import { assertProtocolClean, checkAck, checkServerEvent, watchServerEvents, type IncomingEvents } from './protocol-check.js';

/** A stand-in socket: the test plays the server and delivers frames to the watcher itself. */
function fakeSocket(): IncomingEvents & { deliver(event: string, ...args: unknown[]): void } {
  let listener: ((event: string, ...args: unknown[]) => void) | undefined;
  return {
    onAny(l) {
      listener = l;
    },
    deliver(event, ...args) {
      listener?.(event, ...args);
    },
  };
}

describe('protocol check', () => {
  it('accepts an event that matches its schema in SERVER_EVENTS', () => {
    expect(checkServerEvent('chat:deleted', [{ boothId: 3, messageId: 7, seq: 2 }])).toBeNull();
    expect(checkServerEvent('lobby:occupancy', [{ '3': 4, '12': 0 }])).toBeNull();
  });

  it('names the field at fault in a malformed event', () => {
    expect(checkServerEvent('chat:deleted', [{ boothId: 3, messageId: 'seven', seq: 2 }])).toMatch(/messageId/);
    expect(checkServerEvent('moderation:changed', [{ kind: 'warn', userId: 'u1' }])).toMatch(/kind/);
    expect(checkServerEvent('lobby:occupancy', [{ lobby: 4 }])).not.toBeNull();
  });

  it('refuses an event name that is not in the registry, prototype names included', () => {
    expect(checkServerEvent('presence:joined', [{ boothId: 1 }])).toMatch(/not a server event/);
    expect(checkServerEvent('constructor', [{}])).toMatch(/not a server event/);
  });

  it('refuses an event with more than one payload', () => {
    expect(checkServerEvent('hand:granted', [{ boothId: 1 }, 'extra'])).toMatch(/one payload/);
  });

  it('checks ack data against COMMANDS[name].data and failed acks against the closed list of codes', () => {
    expect(checkAck('booth:leave', { ok: true, data: { boothId: 4 } })).toBeNull();
    expect(checkAck('booth:leave', { ok: true, data: { booth: 4 } })).toMatch(/boothId/);
    expect(checkAck('moderation:unban', { ok: false, error: { code: 'FORBIDDEN', message: 'no' } })).toBeNull();
    expect(checkAck('moderation:unban', { ok: false, error: { code: 'OOPS', message: 'no' } })).toMatch(/closed list/);
    expect(checkAck('booth:leave', 'yes')).toMatch(/not a Result/);
    // Names outside the registry (junk sent on purpose) only need to be a Result.
    expect(checkAck('no:such-command', { ok: true, data: 1 })).toBeNull();
  });

  it('fails the test through assertProtocolClean once a watched socket receives a malformed event, then starts clean', () => {
    const socket = fakeSocket();
    watchServerEvents(socket);
    socket.deliver('video:count', { boothId: 1, count: 2 });
    expect(() => assertProtocolClean()).not.toThrow();
    socket.deliver('video:count', { boothId: 1, count: -1 });
    socket.deliver('presence:joined', { boothId: 1 });
    expect(() => assertProtocolClean()).toThrow(/2 frame\(s\)[\s\S]*video:count: count[\s\S]*presence:joined/);
    expect(() => assertProtocolClean()).not.toThrow();
  });
});
