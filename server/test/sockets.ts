import { io as connect, type Socket } from 'socket.io-client';
import type { Result } from '../../shared/errors.js';
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type CommandData,
  type CommandInput,
  type CommandName,
  type EventName,
  type EventPayload,
  type ServerToClientEvents,
} from '../../shared/protocol.js';
import { TestClient } from './harness.js';
import { checkAck, recordViolation, watchServerEvents } from './protocol-check.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A real socket.io-client connection carrying a session cookie, like a signed-in browser tab.
 * It speaks PROTOCOL_VERSION in the handshake unless `auth` says otherwise, and every event it
 * receives is checked against the registry (protocol-check.ts): a frame off its schema fails
 * the test.
 */
export function openSocket(
  baseUrl: string,
  cookie: string | undefined,
  options: { reconnection?: boolean; origin?: string; auth?: Record<string, unknown> } = {},
): ClientSocket {
  const socket: ClientSocket = connect(baseUrl, {
    transports: ['websocket'],
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
    auth: options.auth ?? { protocol: PROTOCOL_VERSION },
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
  watchServerEvents(socket);
  return socket;
}

export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** Resolves with the reason once the socket is cut; fails the test if that takes over `withinMs`. */
export function cut(socket: ClientSocket, withinMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) return reject(new Error('socket was not connected'));
    const timer = setTimeout(() => reject(new Error(`still connected after ${withinMs} ms`)), withinMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Signs in over HTTP (accepting a pending code of conduct unless `conduct: 'pending'`), then opens a connected socket with that session. */
export async function signedInSocket(
  baseUrl: string,
  email: string,
  options: { conduct?: 'accept' | 'pending' } = {},
): Promise<{ socket: ClientSocket; client: TestClient; userId: string }> {
  const client = new TestClient(baseUrl);
  const login = await client.login(email, undefined, options);
  const socket = openSocket(baseUrl, client.cookie);
  await connected(socket);
  return { socket, client, userId: (login.body.user as { id: string }).id };
}

/** Signs in, connects and joins one booth; throws when the join is refused. */
export async function joinedSocket(baseUrl: string, email: string, boothId: number, extra: Omit<CommandInput<'booth:join'>, 'boothId'> = {}) {
  const session = await signedInSocket(baseUrl, email);
  const ack = await request(session.socket, 'booth:join', { boothId, ...extra });
  if (!ack.ok) {
    session.socket.disconnect();
    throw new Error(`join failed: ${ack.error.code}`);
  }
  return { ...session, joined: ack.data };
}

/**
 * Sends a command and resolves with its ack, typed from the registry. An `ok` ack whose data
 * does not match COMMANDS[name].data fails the test (and rejects).
 */
export function request<N extends CommandName>(socket: ClientSocket, name: N, payload: CommandInput<N>, timeoutMs = 5000): Promise<Result<CommandData<N>>> {
  return rawRequest<CommandData<N>>(socket, name, payload, timeoutMs);
}

/**
 * Sends any event with any payload (or none) and resolves with whatever comes back: for the
 * tests that send junk on purpose. The answer is still checked against the registry.
 */
export async function rawRequest<T = unknown>(socket: ClientSocket, event: string, payload?: unknown, timeoutMs = 5000): Promise<Result<T>> {
  const emitter = socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  const ack = await emitter.emitWithAck(event, ...(payload === undefined ? [] : [payload]));
  const problem = checkAck(event, ack);
  if (problem) {
    recordViolation({ name: event, problem });
    throw new Error(`${event}: ${problem}`);
  }
  return ack as Result<T>;
}

/** Resolves with the next event of that name (optionally matching a predicate). */
export function nextEvent<E extends EventName>(
  socket: ClientSocket,
  event: E,
  match: (payload: EventPayload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: EventPayload<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every event of that name from now on. */
export function collect<E extends EventName>(socket: ClientSocket, event: E): EventPayload<E>[] {
  const seen: EventPayload<E>[] = [];
  socket.on(event, ((payload: EventPayload<E>) => seen.push(payload)) as never);
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
