import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { readCookie } from '../auth/cookies.js';
import type { AuthService, AuthUser } from '../auth/service.js';
import { isSameOrigin } from '../http/middleware.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../logger.js';
import type { FairServer, FairSocket } from './types.js';
import { rooms } from './types.js';

/** Socket.IO message size cap: a chat message is at most a few KB. */
export const SOCKET_MAX_PAYLOAD_BYTES = 16 * 1024;
/** Heartbeat: a connection that answers no ping within interval + timeout is dropped. */
export const SOCKET_PING_INTERVAL_MS = 20_000;
export const SOCKET_PING_TIMEOUT_MS = 20_000;

export interface SocketTimings {
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

export interface SocketOptions extends SocketTimings {
  /** The session cookie's name (`sessionCookieFor(config.env).name`). */
  sessionCookie: string;
}

/**
 * Socket.IO on the app's HTTP server. The handshake authenticates from the session cookie;
 * without a valid session the connection is refused with `connect_error` "UNAUTHENTICATED",
 * and a user `refuse` names (a banned one) with that code ("BANNED").
 */
export function createSocketServer(
  httpServer: HttpServer,
  auth: AuthService,
  logger: Logger,
  onConnection: (socket: FairSocket) => void,
  refuse: (user: AuthUser) => ErrorCode | null = () => null,
  timings: SocketOptions,
): FairServer {
  const io: FairServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    pingInterval: timings.pingIntervalMs ?? SOCKET_PING_INTERVAL_MS,
    pingTimeout: timings.pingTimeoutMs ?? SOCKET_PING_TIMEOUT_MS,
    // Same-origin only: the browser client is served by this server.
    cors: undefined,
    // Browsers send the session cookie on a WebSocket opened by another site's page (same-site
    // subdomains even with SameSite=Lax); refuse those handshakes, as HTTP writes are refused.
    allowRequest: (req, callback) => callback(null, isSameOrigin(req.headers.origin, req.headers.host)),
  });

  io.use((socket, next) => {
    const session = auth.sessionFor(readCookie(socket.handshake.headers.cookie, timings.sessionCookie));
    if (!session) return next(new Error('UNAUTHENTICATED'));
    const { user } = session;
    const refused = refuse(user);
    if (refused) return next(new Error(refused));
    socket.data.user = user;
    socket.data.sessionId = session.id;
    socket.data.booths = new Set();
    // Ending the session (logout, expiry, password change, ban) closes this room. Joined here,
    // in the same tick as the check, so no sign-out can fall between the two.
    void socket.join(rooms.session(session.id));
    // The session secret is not kept for the connection's life (a heap dump or a stray log
    // of the handshake would otherwise carry it); nothing reads it after this point.
    delete socket.handshake.headers.cookie;
    next();
  });

  io.on('connection', (socket) => {
    // Auth has read the cookie: the handshake's HTTP request need not live as long as the
    // connection (for clients that start on long-polling, the browser default, it held about
    // 3.5 KB each). Only a second namespace's handshake would read it, and we have one.
    (socket.conn as { request: unknown }).request = null;
    // Middleware that runs after ours may wait; a session that ended meanwhile was not yet in
    // the namespace when its room was closed. One primary-key read catches it.
    if (!auth.sessionIsLive(socket.data.sessionId)) {
      socket.disconnect(true);
      return;
    }
    void socket.join([rooms.lobby, rooms.user(socket.data.user.id)]);
    try {
      onConnection(socket);
    } catch (err) {
      logger.error({ err }, 'connection setup failed');
      socket.disconnect(true);
    }
  });

  return io;
}
