import { io, type Socket } from 'socket.io-client';
import type { Result } from '../../../shared/errors.js';
import type { ClientToServerEvents, CommandData, CommandInput, CommandName, ServerToClientEvents } from '../../../shared/protocol.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol-version.js';

export type FairClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: FairClientSocket | null = null;

/** The one realtime connection of this tab, created after sign-in. */
export function getSocket(): FairClientSocket | null {
  return socket;
}

export function createSocket(): FairClientSocket {
  socket?.disconnect();
  // WebSocket first (fewest bytes and round trips); long-polling if a network blocks it.
  // auth.protocol: a server that no longer speaks this build's protocol refuses with CLIENT_OUTDATED.
  socket = io({ transports: ['websocket', 'polling'], reconnectionDelay: 1000, reconnectionDelayMax: 10_000, auth: { protocol: PROTOCOL_VERSION } });
  return socket;
}

export function closeSocket(): void {
  socket?.disconnect();
  socket = null;
}

export const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Sends a command and resolves with its ack, or null when there was no answer in time
 * (offline, or the server went away): the caller keeps what it needs to retry.
 */
export async function command<E extends CommandName>(event: E, payload: CommandInput<E>): Promise<Result<CommandData<E>> | null> {
  const current = socket;
  if (!current?.connected) return null;
  try {
    const emitter = current.timeout(COMMAND_TIMEOUT_MS) as unknown as {
      emitWithAck(event: E, payload: unknown): Promise<Result<CommandData<E>>>;
    };
    return await emitter.emitWithAck(event, payload);
  } catch {
    return null;
  }
}
