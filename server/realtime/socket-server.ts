import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { Adapter, PrivateSessionId, Session } from 'socket.io-adapter';
import { readCookie } from '../auth/cookies.js';
import type { AuthService, Session as FairSession } from '../auth/service.js';
import { clientAddress, type TrustProxyFn } from '../http/client-address.js';
import { isSameOrigin } from '../http/middleware.js';
import type { ErrorCode, ErrorDetails } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { ADMISSION_LOOP_DELAY_MAX_MS, createAdmission } from './admission.js';
import { SOCKET_BUFFER_CHECK_MS, SOCKET_BUFFER_CHECK_SLICES, SOCKET_SEND_BUFFER_MAX_BYTES, SOCKETS_PER_ACCOUNT_MAX, SOCKETS_PER_ADDRESS_MAX } from '../../shared/limits.js';
import type { Logger } from '../logger.js';
import type { FairServer, FairSocket, SocketData } from './types.js';
import { rooms } from './types.js';

/** Socket.IO message size cap: a chat message is at most a few KB. */
export const SOCKET_MAX_PAYLOAD_BYTES = 16 * 1024;
/** Heartbeat: a connection that answers no ping within interval + timeout is dropped. */
export const SOCKET_PING_INTERVAL_MS = 20_000;
export const SOCKET_PING_TIMEOUT_MS = 20_000;
/**
 * Scaled mode: how long a dropped connection's state is kept for it to recover (Socket.IO's
 * connection-state recovery). About the presence grace period: a member back within it
 * returns with the same socket id and the room events it missed.
 */
export const SOCKET_RECOVERY_WINDOW_MS = 60_000;
/** A recovery that Redis does not answer within this starts a fresh connection instead. */
const SOCKET_RECOVERY_LOOKUP_MS = 1_000;

export interface SocketTimings {
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

/** How much one account, one address and one slow reader may hold (tests and the bench change these). */
export interface ConnectionLimits {
  socketsPerAccount?: number;
  socketsPerAddress?: number;
  sendBufferMaxBytes?: number;
  bufferCheckMs?: number;
  /** Event-loop delay above which new connections are refused with SERVER_BUSY. */
  admissionLoopDelayMaxMs?: number;
}


/** The part of engine.io's socket the send-buffer check reads (not in its public types). */
export interface EngineConnection {
  writeBuffer: { data?: unknown }[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

/** Bytes queued for one connection and not yet taken by the kernel, counting up to `max`. */
export function unsentBytes(conn: EngineConnection, max: number): number {
  let bytes = conn.transport.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) {
    if (bytes > max) break;
    const { data } = packet;
    bytes += typeof data === 'string' ? data.length : data instanceof Buffer ? data.byteLength : 16;
  }
  return bytes;
}

/**
 * Cuts off a connection that does not read what it is sent, and frees what was queued for it.
 * True when it did. Run for every connection a few times a second, and before each ack (a
 * client asking for a lot and reading nothing is stopped at its next answer).
 */
export function dropIfBacklogged(conn: EngineConnection, maxBytes: number, logger: Logger): boolean {
  if (conn.writeBuffer.length === 0 && !conn.transport.socket?.bufferedAmount) return false;
  const bytes = unsentBytes(conn, maxBytes);
  if (bytes <= maxBytes) return false;
  logger.warn({ unsentBytes: bytes, transport: conn.transport.name }, 'connection not reading; disconnecting');
  // terminate() drops the WebSocket's kernel-bound buffer now (close() would wait for a close
  // handshake queued behind it); close(true) discards engine.io's queue.
  conn.transport.socket?.terminate?.();
  conn.close(true);
  return true;
}

/** Open sockets per key (account or address); a key's entry goes when its last socket does. */
function createCounter() {
  const counts = new Map<string, number>();
  return {
    get: (key: string) => counts.get(key) ?? 0,
    add: (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1),
    release(key: string) {
      const left = (counts.get(key) ?? 1) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    },
  };
}

function refusal(code: ErrorCode, message: string, details?: ErrorDetails): Error {
  return Object.assign(new Error(code), { data: { code, message, ...(details ? { details } : {}) } });
}

export interface SocketOptions extends SocketTimings {
  /** The session cookie's name (`sessionCookieFor(config.env).name`). */
  sessionCookie: string;
  /** Which proxies' X-Forwarded-For to believe (the same rule as HTTP's `req.ip`). */
  trustProxy?: TrustProxyFn;
  /** The scaled mode's adapter (Redis): broadcasts and disconnections reach every node. */
  adapter?: ServerOptions['adapter'];
  /**
   * With `adapter`: connection-state recovery (the Redis streams adapter keeps what a dropped
   * connection missed). `sessionIsLive` is asked before anything is replayed.
   */
  recovery?: { sessionIsLive(sessionId: string): Promise<boolean> };
}

type AdapterFactory = NonNullable<ServerOptions['adapter']>;

/**
 * Rooms whose missed events a recovered connection is sent: its own, the lobby's and its
 * account's (announcements, booth changes, moderation notices, raised hands). Not booths,
 * staff rooms or the moderators' room: those depend on checks made when they were joined (a
 * kick, a role, capacity, a private visit), so the client joins its booth again, as on any
 * new connection, and catches up by sequence number (`booth:join` with `sinceSeq`).
 */
function replayedRoom(room: string, socketId: string): boolean {
  return room === socketId || room === rooms.lobby || room === rooms.browsing || room.startsWith('user:');
}

/**
 * Wraps the adapter's connection-state recovery so that nothing of a signed-out person is kept
 * or replayed. Socket.IO restores a session (its rooms, `socket.data`, the events it missed)
 * and sends the missed events before any middleware runs, so the checks happen here:
 * - kept: the fair session's id (never the cookie, never the user record) and the rooms of
 *   `replayedRoom`, which are all the missed events are filtered by;
 * - restored only while that fair session is live: a logout, expiry, password change or ban in
 *   the meantime ended it, and the connection starts afresh (its handshake is then refused).
 * A restore Redis does not answer in time also starts afresh: the client loses only the replay.
 */
function withCheckedRecovery(factory: AdapterFactory, recovery: NonNullable<SocketOptions['recovery']>, logger: Logger): AdapterFactory {
  // Socket.IO calls the factory with `new`: a plain function (not an arrow) is what it expects.
  return function checkedAdapter(nsp: unknown): Adapter {
    const adapter = new (factory as unknown as new (nsp: unknown) => Adapter)(nsp);
    const persist = adapter.persistSession.bind(adapter);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.persistSession = (session) => {
      const sessionId = (session.data as Partial<SocketData> | undefined)?.sessionId;
      if (typeof sessionId !== 'string') return;
      persist({ ...session, rooms: session.rooms.filter((room) => replayedRoom(room, session.sid)), data: { sessionId } });
    };
    adapter.restoreSession = async (pid: PrivateSessionId, offset: string): Promise<Session> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('recovery lookup timed out')), SOCKET_RECOVERY_LOOKUP_MS)));
      try {
        const session = await Promise.race([restore(pid, offset), late]);
        const sessionId = (session.data as Partial<SocketData> | undefined)?.sessionId;
        if (typeof sessionId !== 'string' || !(await recovery.sessionIsLive(sessionId))) throw new Error('session ended');
        return session;
      } catch (err) {
        // Not found (expired, or the node that held the connection died before keeping it) is
        // the usual case; Socket.IO then starts a fresh connection.
        logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'connection state not recovered');
        throw err;
      } finally {
        clearTimeout(timer);
      }
    };
    return adapter;
  };
}

/**
 * Socket.IO on the app's HTTP server. The handshake authenticates from the session cookie;
 * without a valid session the connection is refused with `connect_error` "UNAUTHENTICATED",
 * and a session `refuse` names (a banned user's) with that code ("BANNED"). One account and one
 * address may hold only so many sockets ("RATE_LIMITED", "too many open connections"), and a
 * connection whose unsent output passes a limit (a client that stopped reading) is cut off.
 */
export function createSocketServer(
  httpServer: HttpServer,
  auth: AuthService,
  logger: Logger,
  onConnection: (socket: FairSocket) => void,
  refuse: (session: FairSession) => ErrorCode | null | Promise<ErrorCode | null> = () => null,
  timings: SocketOptions,
  limits: ConnectionLimits = {},
): FairServer {
  const socketsPerAccount = limits.socketsPerAccount ?? SOCKETS_PER_ACCOUNT_MAX;
  const socketsPerAddress = limits.socketsPerAddress ?? SOCKETS_PER_ADDRESS_MAX;
  const sendBufferMaxBytes = limits.sendBufferMaxBytes ?? SOCKET_SEND_BUFFER_MAX_BYTES;
  const byAccount = createCounter();
  const byAddress = createCounter();
  const io: FairServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    pingInterval: timings.pingIntervalMs ?? SOCKET_PING_INTERVAL_MS,
    pingTimeout: timings.pingTimeoutMs ?? SOCKET_PING_TIMEOUT_MS,
    ...(timings.adapter ? { adapter: timings.recovery ? withCheckedRecovery(timings.adapter, timings.recovery, logger) : timings.adapter } : {}),
    // Middlewares run for a recovered connection too (Socket.IO skips them by default): it
    // is authenticated, counted and registered exactly as a new one (see `authenticate`).
    ...(timings.adapter && timings.recovery ? { connectionStateRecovery: { maxDisconnectionDuration: SOCKET_RECOVERY_WINDOW_MS, skipMiddlewares: false } } : {}),
    // Same-origin only: the browser client is served by this server.
    cors: undefined,
    // Browsers send the session cookie on a WebSocket opened by another site's page (same-site
    // subdomains even with SameSite=Lax); refuse those handshakes, as HTTP writes are refused.
    allowRequest: (req, callback) => callback(null, isSameOrigin(req.headers.origin, req.headers.host)),
  });

  const admission = createAdmission(limits.admissionLoopDelayMaxMs ?? ADMISSION_LOOP_DELAY_MAX_MS);
  httpServer.once('close', () => admission.close());

  io.use((socket, next) => {
    // First the checks that cost nothing: a tab running an older build reloads into the new
    // one; while the server is behind on its work, newcomers come back a little later (with
    // jitter) instead of making everyone wait, and are told so rather than timing out.
    if ((socket.handshake.auth as { protocol?: unknown } | undefined)?.protocol !== PROTOCOL_VERSION) {
      return next(refusal('CLIENT_OUTDATED', 'This page is from an older version of the fair; reload it.'));
    }
    const busyForMs = admission.busyForMs();
    if (busyForMs !== null) {
      return next(refusal('SERVER_BUSY', 'Many people are arriving at once; connecting again in a moment.', { retryAfterMs: busyForMs }));
    }
    // Socket.IO does not await middleware: a rejection here would be unhandled and end the
    // process. authenticate() answers every path itself; this catch is for a bug in it.
    authenticate(socket).then(next, (err: unknown) => {
      logger.error({ err }, 'handshake failed');
      next(refusal('UNAVAILABLE', 'the fair could not check your session just now; retrying'));
    });
  });

  /** The session check of the handshake: what to pass to `next` (nothing when admitted). */
  async function authenticate(socket: FairSocket): Promise<Error | undefined> {
    // Noted before the session is read: a session that ends while the read is out (or before
    // the join below) moves the count past this, and the connection reads it again.
    const sessionsEndedAt = auth.sessionsEndedCount();
    let session: Awaited<ReturnType<AuthService['sessionFor']>>;
    let refused: ErrorCode | null;
    try {
      session = await auth.sessionFor(readCookie(socket.handshake.headers.cookie, timings.sessionCookie));
      refused = session ? await refuse(session) : null;
    } catch (err) {
      // A locked or failing database: a refusal the client retries.
      logger.warn({ err }, 'handshake could not read the database');
      return refusal('UNAVAILABLE', 'the fair could not check your session just now; retrying');
    }
    if (!session) return new Error('UNAUTHENTICATED');
    const { user } = session;
    if (refused) return new Error(refused);
    // The client left while its session was read: its close has fired, so nothing is counted
    // for it (Socket.IO drops the socket whatever it is told).
    if (socket.conn.readyState === 'closed') return new Error('UNAUTHENTICATED');
    // Behind nginx the peer is the proxy: count the client it forwarded for, by the TRUST_PROXY rule.
    const address = timings.trustProxy ? clientAddress(socket.handshake, timings.trustProxy) : socket.handshake.address;
    if (byAccount.get(user.id) >= socketsPerAccount || byAddress.get(address) >= socketsPerAddress) {
      return refusal('RATE_LIMITED', 'too many open connections');
    }
    // Counted from here until the connection closes, whether or not it completes the connect.
    byAccount.add(user.id);
    byAddress.add(address);
    socket.conn.once('close', () => {
      byAccount.release(user.id);
      byAddress.release(address);
    });
    // A recovered connection got back its rooms and the events it missed (withCheckedRecovery);
    // from here on it is a new connection like any other: it leaves every restored room but
    // those admit() joins for this user anyway, and the joins below, admit() and the client's
    // booth:join put it where this session may be. (Its restored `data` held only the session
    // id; everything is set afresh.)
    if (socket.recovered) {
      const kept = new Set([socket.id, rooms.lobby, rooms.browsing, rooms.user(user.id)]);
      for (const room of [...socket.rooms]) if (!kept.has(room)) void socket.leave(room);
    }
    socket.data.user = user;
    socket.data.sessionId = session.id;
    socket.data.sessionsEndedAt = sessionsEndedAt;
    socket.data.booths = new Set();
    // Ending the session (logout, expiry, password change, ban) closes this room. Joined here,
    // in the same synchronous stretch as the last check; a sign-out that fell after the
    // session was read moved sessionsEndedCount past the count noted above, and the
    // connection reads the session again before it is let in.
    void socket.join(rooms.session(session.id));
    // The session secret is not kept for the connection's life (a heap dump or a stray log
    // of the handshake would otherwise carry it); nothing reads it after this point.
    delete socket.handshake.headers.cookie;
    return undefined;
  }

  /**
   * Whether the connection's session is still live, read again because some session ended
   * since it was last read. Read once more while sessions keep ending during the read, so no
   * ending can fall between the last read and the moment the connection is let in.
   */
  async function sessionStillLive(socket: FairSocket): Promise<boolean> {
    let endedAt: number;
    do {
      endedAt = auth.sessionsEndedCount();
      if (!(await auth.sessionIsLive(socket.data.sessionId))) return false;
    } while (auth.sessionsEndedCount() !== endedAt);
    return true;
  }

  /** Lets a connected socket in: its rooms, then the app's handlers. */
  function admit(socket: FairSocket): void {
    try {
      void socket.join([rooms.lobby, rooms.browsing, rooms.user(socket.data.user.id)]);
      onConnection(socket);
    } catch (err) {
      logger.error({ err }, 'connection setup failed');
      socket.disconnect(true);
    }
  }

  io.on('connection', (socket) => {
    // Auth has read the cookie: the handshake's HTTP request need not live as long as the
    // connection (for clients that start on long-polling, the browser default, it held about
    // 3.5 KB each). Only a second namespace's handshake would read it, and we have one.
    (socket.conn as { request: unknown }).request = null;
    // Socket.IO connects a tick after the handshake: a session that ended meanwhile was not yet
    // in the namespace when its room was closed. Only if any session ended since the handshake
    // read this one does a primary-key read say whether it was this one.
    if (auth.sessionsEndedCount() === socket.data.sessionsEndedAt) return admit(socket);
    // The client is connected and asks for its booth at once: what it sends while the session
    // is read waits, and is handled once it is let in.
    const held: unknown[][] = [];
    const hold = (...args: unknown[]) => void held.push(args);
    socket.onAny(hold);
    sessionStillLive(socket)
      .then((live) => {
        socket.offAny(hold);
        // Gone while the session was read: the client left, or its session's room was closed.
        if (!socket.connected) return;
        if (!live) {
          socket.disconnect(true);
          return;
        }
        admit(socket);
        for (const args of held) {
          if (!socket.connected) break;
          for (const listener of socket.listenersAny()) listener.apply(socket, args);
        }
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'connection setup failed');
        socket.disconnect(true);
      });
  });

  // While a WebSocket write is stuck, engine.io queues every packet in `writeBuffer`: every
  // connection is looked at once a second. (A look per packet queued found backlogs a little
  // sooner, but cost every broadcast a listener call per recipient: about 3% of the server's
  // CPU while a big fair chats. A command budget bounds how fast anyone can make the server
  // write to them, and answers are checked as they go, so a second of backlog stays small.)
  // A tenth of the connections per tick: one walk over all 10,000 members of a big fair held
  // the event loop for about 4 ms, four times a second, while they chatted (--cpu-prof).
  // Kept in a Set of our own: walking engine.io's `clients` object (a dictionary of thousands
  // of keys) took about 0.1 s of CPU while 5000 members arrived in 10 s (--cpu-prof); a Set
  // is walked about twenty times faster, and its iterator goes on from where the last tick
  // stopped (connections that close meanwhile are skipped, new ones are reached this round).
  const engineConnections = new Set<EngineConnection>();
  io.engine.on('connection', (conn: EngineConnection & { once(event: 'close', listener: () => void): void }) => {
    engineConnections.add(conn);
    conn.once('close', () => engineConnections.delete(conn));
  });
  let round = engineConnections.values();
  const bufferCheck = setInterval(() => {
    for (let left = Math.ceil(engineConnections.size / SOCKET_BUFFER_CHECK_SLICES); left > 0; left--) {
      let next = round.next();
      if (next.done) {
        // A finished iterator stays finished: the next round starts on a new one.
        round = engineConnections.values();
        next = round.next();
        if (next.done) break;
      }
      dropIfBacklogged(next.value, sendBufferMaxBytes, logger);
    }
  }, (limits.bufferCheckMs ?? SOCKET_BUFFER_CHECK_MS) / SOCKET_BUFFER_CHECK_SLICES);
  bufferCheck.unref();
  httpServer.once('close', () => clearInterval(bufferCheck));

  return io;
}
