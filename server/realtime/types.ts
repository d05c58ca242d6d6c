import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import type { AuthUser } from '../auth/service.js';

/** What the server keeps per connection: kept small, it is multiplied by every member online. */
export interface SocketData {
  user: AuthUser;
  /** Booths this connection has joined. */
  booths: Set<number>;
  /** The session's token hash (never sent to clients): names its `session:<hash>` room. */
  sessionHash: string;
}

export type FairServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type FairSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Room names (DESIGN.md): one place so nobody misspells them. */
export const rooms = {
  lobby: 'lobby',
  booth: (boothId: number) => `booth:${boothId}`,
  staff: (boothId: number) => `staff:${boothId}`,
  user: (userId: string) => `user:${userId}`,
  moderators: 'moderators',
  /** Every socket of one sign-in session (by token hash): ending the session disconnects them. */
  session: (tokenHash: string) => `session:${tokenHash}`,
} as const;
