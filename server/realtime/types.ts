import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import type { AuthUser } from '../auth/service.js';

/** What the server keeps per connection: kept small, it is multiplied by every member online. */
export interface SocketData {
  user: AuthUser;
  /** The session this connection signed in with (the stored hash, never the cookie). */
  sessionId: string;
  /** auth.sessionsEndedCount() when the handshake checked the session. */
  sessionsEndedAt: number;
  /** Booths this connection has joined. */
  booths: Set<number>;
  /** The command budget's current window for this connection, from its first command. */
  budget?: { startedAt: number; refusals: number; counts: Record<string, number> };
}

/** What one node tells the others (Socket.IO's `serverSideEmit`, through the adapter; scaled mode only). */
export interface InterServerEvents {
  /**
   * Someone was kicked from a booth, or banned (`boothId` null: the whole fair). Each node
   * applies it to its own connections, whose bookkeeping (`socket.data.booths`, the lobby
   * room) only that node holds.
   */
  'moderation:removed': (userId: string, boothId: number | null) => void;
  /** Answered at once by every node: the adapter-lag metric times the round trip (server/ops/adapter-lag.ts). */
  'ops:lag-probe': (ack: () => void) => void;
}

export type FairServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type FairSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Room names (DESIGN.md): one place so nobody misspells them. */
export const rooms = {
  /** Every connection: booth changes, fair-wide announcements, video counts. */
  lobby: 'lobby',
  /**
   * Connections in no booth, who are looking at the lobby: they get the live `lobby:occupancy`.
   * A connection leaves it on entering a booth and comes back, with a full snapshot, on leaving
   * its last one: when the doors open, the thousands inside booths are not sent every count.
   */
  browsing: 'browsing',
  booth: (boothId: number) => `booth:${boothId}`,
  staff: (boothId: number) => `staff:${boothId}`,
  user: (userId: string) => `user:${userId}`,
  /** Every socket of one sign-in: ending the session closes this room. */
  session: (sessionId: string) => `session:${sessionId}`,
  moderators: 'moderators',
} as const;
