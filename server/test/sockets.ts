import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type BoothJoinData, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.js';
import { TestClient } from './harness.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io-client connection carrying a session cookie, like a signed-in browser tab. */
export function openSocket(baseUrl: string, cookie: string | undefined, options: { reconnection?: boolean; origin?: string } = {}): ClientSocket {
  return connect(baseUrl, {
    auth: { protocol: PROTOCOL_VERSION },
    transports: ['websocket'],
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
}

export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** Signs in over HTTP, then opens a connected socket with that session. */
export async function signedInSocket(baseUrl: string, email: string): Promise<{ socket: ClientSocket; client: TestClient; userId: string }> {
  const client = new TestClient(baseUrl);
  const login = await client.login(email);
  const socket = openSocket(baseUrl, client.cookie);
  await connected(socket);
  return { socket, client, userId: (login.body.user as { id: string }).id };
}

/** Signs in, connects and joins one booth; throws when the join is refused. */
export async function joinedSocket(baseUrl: string, email: string, boothId: number, extra: Record<string, unknown> = {}) {
  const session = await signedInSocket(baseUrl, email);
  const ack = await request<BoothJoinData>(session.socket, 'booth:join', { boothId, ...extra });
  if (!ack.ok) {
    session.socket.disconnect();
    throw new Error(`join failed: ${ack.error.code}`);
  }
  return { ...session, joined: ack.data };
}

/** Emits a command and resolves with its ack (raw: any event name, any payload). */
export function request<T = unknown>(socket: ClientSocket, event: string, payload?: unknown, timeoutMs = 5000): Promise<Ack<T>> {
  return (socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<Ack<T>> }).emitWithAck(
    event,
    ...(payload === undefined ? [] : [payload]),
  );
}

/** Resolves with the next event of that name (optionally matching a predicate). */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every event of that name from now on. */
export function collect<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP request that upgrades a raw TCP connection to Engine.IO's WebSocket transport. */
export function webSocketUpgradeRequest(port: number, cookie?: string): string {
  return [
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${Buffer.from(crypto.randomUUID().slice(0, 16)).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(cookie ? [`Cookie: ${cookie}`] : []),
    '',
    '',
  ].join('\r\n');
}
