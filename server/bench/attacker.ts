/**
 * The soak's hostile member: one account that floods every command it has from as many sockets
 * as it can open and reconnects whenever it is cut off. Loopback only; counts what the server
 * answered, never judges it. (A client that stops reading cannot tell when the server drops it,
 * so that attack is tested in server/test/abuse.test.ts, where the server side can be seen.)
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { SOCKETS_PER_ACCOUNT_MAX } from '../../shared/limits.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
// The bench runs our server with NODE_ENV=production, whose session cookie has the __Host- name.
import { SESSION_COOKIE_PRODUCTION } from '../auth/cookies.js';

/** More than the account may hold, so the cap is tried too. */
const ATTACKER_SOCKETS = SOCKETS_PER_ACCOUNT_MAX + 2;
const FLOOD_TICK_MS = 10;
const RECONNECT_DELAY_MS = 1000;
const ACK_TIMEOUT_MS = 10_000;

/** What the attacker sent and how the server answered. */
export interface AttackerFigures {
  commandsSent: number;
  answeredOk: number;
  rateLimited: number;
  otherErrors: number;
  unanswered: number;
  /** Times the server cut one of its sockets off. */
  disconnects: number;
  /** Handshakes refused, by the code the server gave. */
  refusedConnects: Record<string, number>;
}

type Ack = { ok: boolean; error?: { code: string } } | undefined;

/** The flood, one entry per step: event name and payload (junk included). */
function floodSteps(boothId: number): [string, unknown][] {
  return [
    ['chat:history', { boothId, limit: 100 }],
    ['booth:join', { boothId, private: true }],
    ['booth:join', { boothId, private: false }],
    ['hand:raise', { boothId }],
    ['hand:lower', { boothId }],
    ['booth:leave', { boothId }],
    ['booth:join', { boothId }],
    ['chat:send', { boothId, clientMsgId: randomUUID(), body: 'flood '.repeat(300) }],
    ['chat:send', { boothId: 'x', body: 12 }],
    ['booth:join', [[[[{}]]]]],
    ['no:such-command', { boothId }],
    ['chat:history', { boothId, limit: 100, beforeSeq: 1e9 }],
  ];
}

/**
 * Starts flooding `url` as the member with session `token`, at `commandsPerS` over all its
 * sockets, in `boothId`. Call `stop()` for the figures.
 */
export function startAttacker(url: string, token: string, boothId: number, commandsPerS: number) {
  const figures: AttackerFigures = { commandsSent: 0, answeredOk: 0, rateLimited: 0, otherErrors: 0, unanswered: 0, disconnects: 0, refusedConnects: {} };
  const sockets: Socket[] = [];
  let stopped = false;
  let step = 0;

  function open(index: number): void {
    if (stopped) return;
    const socket = io(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: `${SESSION_COOKIE_PRODUCTION}=${token}` },
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    sockets[index] = socket;
    socket.once('connect_error', (err) => {
      figures.refusedConnects[err.message] = (figures.refusedConnects[err.message] ?? 0) + 1;
      setTimeout(() => open(index), RECONNECT_DELAY_MS);
    });
    socket.once('disconnect', () => {
      if (stopped) return;
      figures.disconnects++;
      setTimeout(() => open(index), RECONNECT_DELAY_MS);
    });
  }

  function send(socket: Socket): void {
    const steps = floodSteps(boothId);
    const [event, payload] = steps[step++ % steps.length]!;
    figures.commandsSent++;
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: Ack) => {
      if (err) figures.unanswered++;
      else if (ack?.ok) figures.answeredOk++;
      else if (ack?.error?.code === 'RATE_LIMITED') figures.rateLimited++;
      else figures.otherErrors++;
    });
  }

  for (let i = 0; i < ATTACKER_SOCKETS; i++) open(i);
  const startedAt = Date.now();
  let due = 0;
  const timer = setInterval(() => {
    const flooders = sockets.filter((socket) => socket.connected);
    // While every socket is cut off or refused, the commands it would have sent are never sent.
    const target = Math.floor(((Date.now() - startedAt) * commandsPerS) / 1000);
    for (; due < target; due++) if (flooders.length > 0) send(flooders[due % flooders.length]!);
  }, FLOOD_TICK_MS);

  return {
    stop(): AttackerFigures {
      stopped = true;
      clearInterval(timer);
      for (const socket of sockets) socket.disconnect();
      return figures;
    },
  };
}
