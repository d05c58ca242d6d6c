import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.js';
import type { AuthService, AuthUser } from '../auth/service.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { Logger } from '../logger.js';
import type { FairServer, FairSocket } from './types.js';
import { rooms } from './types.js';

/** Socket.IO message size cap: a chat message is at most a few KB. */
export const SOCKET_MAX_PAYLOAD_BYTES = 16 * 1024;

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
): FairServer {
  const io: FairServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    // Same-origin only: the browser client is served by this server.
    cors: undefined,
  });

  io.use((socket, next) => {
    const user = auth.userForSession(readCookie(socket.handshake.headers.cookie, SESSION_COOKIE));
    if (!user) return next(new Error('UNAUTHENTICATED'));
    const refused = refuse(user);
    if (refused) return next(new Error(refused));
    socket.data.user = user;
    socket.data.booths = new Set();
    next();
  });

  io.on('connection', (socket) => {
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
