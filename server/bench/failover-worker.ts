/**
 * A load worker for the failover figure of `npm run bench -- --nodes 2`: it connects its share
 * of members to the node that is about to be killed, each joining its booth, and once that
 * node is gone lets every member reconnect as the browser client does (Socket.IO's backoff,
 * 1 s growing to 10 s with jitter; a refusal from a busy server waited out as it asks), now
 * through `reconnectUrl` (nginx, which sends them to a surviving node). It notes when each is
 * back in its booth. Started by run.ts with fork(); it talks only over IPC.
 */
import { io, type Socket } from 'socket.io-client';
import { SESSION_COOKIE_PRODUCTION } from '../auth/cookies.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { loopbackAddressOf, serveCoordinator, type BenchMember } from './worker-messages.js';

export type ToFailoverWorker = { type: 'connect'; url: string; reconnectUrl: string; members: BenchMember[]; rampMs: number } | { type: 'progress' } | { type: 'close' };
export type FromFailoverWorker =
  | { type: 'ready' }
  | { type: 'connected'; connected: number; failed: number }
  /** Per member in place before the kill: when it lost its connection and when it was back in its booth (ms since the epoch; null: not yet). */
  | { type: 'progress'; members: { droppedAtMs: number | null; backAtMs: number | null }[] };

const ACK_TIMEOUT_MS = 30_000;
/** The browser client's reconnection settings (client/src/lib/socket.ts). */
const RECONNECTION_DELAY_MS = 1_000;
const RECONNECTION_DELAY_MAX_MS = 10_000;

interface Member {
  socket: Socket;
  inPlace: boolean;
  droppedAtMs: number | null;
  backAtMs: number | null;
}

const members: Member[] = [];
let closing = false;
const tell = (message: FromFailoverWorker) => process.send?.(message);

function open(url: string, reconnectUrl: string, spec: BenchMember): Promise<boolean> {
  const socket = io(url, {
    ...{ localAddress: loopbackAddressOf(spec.index, 2) },
    auth: { protocol: PROTOCOL_VERSION },
    transports: ['websocket'],
    extraHeaders: { cookie: `${SESSION_COOKIE_PRODUCTION}=${spec.token}` },
    reconnectionDelay: RECONNECTION_DELAY_MS,
    reconnectionDelayMax: RECONNECTION_DELAY_MAX_MS,
    forceNew: true,
    timeout: 20_000,
  });
  const member: Member = { socket, inPlace: false, droppedAtMs: null, backAtMs: null };
  members.push(member);
  return new Promise((settle) => {
    const inBooth = (done: (ok: boolean) => void) => {
      if (spec.boothId === null) return done(true);
      socket.timeout(ACK_TIMEOUT_MS).emit('booth:join', { boothId: spec.boothId }, (err: Error | null, ack?: { ok: boolean }) => done(!err && ack?.ok === true));
    };
    // Back after the kill: as the browser client does on every connect, join the booth again
    // (and again a little later while the join is refused, the node being busy).
    const rejoin = () =>
      inBooth((ok) => {
        if (ok) member.backAtMs ??= Date.now();
        else if (socket.connected) setTimeout(rejoin, RECONNECTION_DELAY_MS);
      });
    socket.on('connect', () => {
      if (member.inPlace) return rejoin();
      inBooth((ok) => {
        member.inPlace = ok;
        if (!ok) socket.disconnect();
        settle(ok);
      });
    });
    socket.on('disconnect', () => {
      if (closing || !member.inPlace || member.droppedAtMs !== null) return;
      member.droppedAtMs = Date.now();
      // From now on through nginx: a surviving node takes over.
      (socket.io as unknown as { uri: string }).uri = reconnectUrl;
    });
    socket.on('connect_error', (err: Error & { data?: { details?: { retryAfterMs?: number } } }) => {
      if (!member.inPlace && member.droppedAtMs === null) {
        socket.disconnect();
        return settle(false);
      }
      // Refused by a server (too busy, its database busy): Socket.IO does not retry those; the
      // browser client does, after the wait the server asked for, with jitter.
      if (err.data !== undefined) setTimeout(() => socket.connect(), (err.data.details?.retryAfterMs ?? 1000) * (1 + Math.random() * 0.5));
    });
  });
}

async function connectAll(url: string, reconnectUrl: string, specs: BenchMember[], rampMs: number): Promise<void> {
  const spacingMs = specs.length > 0 ? rampMs / specs.length : 0;
  const outcomes = await Promise.all(specs.map((spec, i) => new Promise<boolean>((done) => setTimeout(() => void open(url, reconnectUrl, spec).then(done), i * spacingMs))));
  const connected = outcomes.filter(Boolean).length;
  tell({ type: 'connected', connected, failed: specs.length - connected });
}

serveCoordinator<ToFailoverWorker>(
  (message) => {
    if (message.type === 'connect') void connectAll(message.url, message.reconnectUrl, message.members, message.rampMs);
    else tell({ type: 'progress', members: members.filter((m) => m.inPlace).map(({ droppedAtMs, backAtMs }) => ({ droppedAtMs, backAtMs })) });
  },
  () => {
    closing = true;
    for (const member of members) member.socket.disconnect();
  },
);
