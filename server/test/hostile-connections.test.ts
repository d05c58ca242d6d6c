import { randomUUID } from 'node:crypto';
import { connect, type Socket as TcpSocket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_MAX_PAYLOAD_BYTES } from '../realtime/socket-server.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { nextEvent, request, signedInSocket, sleep, webSocketUpgradeRequest, type ClientSocket } from './sockets.js';

/**
 * Connections that try to hold the server: slowloris requests, clients that go silent or stop
 * reading, frames over the size cap. Timeouts are shortened so the test takes seconds; the
 * production values are the defaults in app.ts and socket-server.ts.
 */
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const PING_INTERVAL_MS = 400;
const PING_TIMEOUT_MS = 400;
/** How long the test waits for the server to act: generous, so a busy machine does not flake it. */
const WITHIN_MS = 8000;

let server: TestServer;
let port: number;
const tcp: TcpSocket[] = [];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    deps: {
      presenceGraceMs: 100,
      connectionTimeouts: {
        headersMs: HEADERS_TIMEOUT_MS,
        requestMs: REQUEST_TIMEOUT_MS,
        checkIntervalMs: 200,
        pingIntervalMs: PING_INTERVAL_MS,
        pingTimeoutMs: PING_TIMEOUT_MS,
      },
    },
  });
  port = Number(new URL(server.baseUrl).port);
});
afterEach(() => {
  for (const socket of tcp.splice(0)) socket.destroy();
  for (const socket of sockets.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server.close();
});

function openTcp(): Promise<TcpSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    tcp.push(socket);
  });
}

/** Resolves true once the server has closed the socket, false if it has not within WITHIN_MS. */
function closedByServer(socket: TcpSocket): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), WITHIN_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
    socket.resume(); // read whatever the server says (a 408), or the close is never seen
  });
}

/** Polls until the condition holds, at most WITHIN_MS; answers whether it did. */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + WITHIN_MS; Date.now() < deadline; await sleep(50)) if (condition()) return true;
  return condition();
}

/** A raw WebSocket upgrade to Engine.IO: the server opens a session and starts pinging it. */
async function rawWebSocket(): Promise<TcpSocket> {
  const socket = await openTcp();
  socket.write(webSocketUpgradeRequest(port));
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  return socket;
}

/**
 * Heap and buffer memory still reachable after a full GC (server and test share this process).
 * RSS alone cannot tell kept memory from garbage the allocator has not handed back yet.
 */
function retainedBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** The header of a masked client text frame announcing `length` payload bytes. */
function frameHeader(length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x81; // FIN, text
  header[1] = 0x80 | 127; // masked, 64-bit length
  header.writeBigUInt64BE(BigInt(length), 2);
  header.writeUInt32BE(0x01020304, 10);
  return header;
}

describe('slowloris', () => {
  it('drops requests whose headers never finish, bodies that never finish, and silent connections', async () => {
    const partialHeaders = await Promise.all(Array.from({ length: 30 }, openTcp));
    for (const socket of partialHeaders) socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    const partialBodies = await Promise.all(Array.from({ length: 10 }, openTcp));
    for (const socket of partialBodies) {
      socket.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
    }
    const silent = await Promise.all(Array.from({ length: 10 }, openTcp));
    const drips = setInterval(() => {
      for (const socket of partialHeaders) if (!socket.destroyed) socket.write('a');
    }, 200);
    try {
      const closed = await Promise.all([...partialHeaders, ...partialBodies, ...silent].map(closedByServer));
      expect(closed.filter(Boolean)).toHaveLength(50);
    } finally {
      clearInterval(drips);
    }
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('clients that go silent', () => {
  it('are dropped after the ping timeout when they never answer a ping', async () => {
    const before = server.app.io.engine.clientsCount;
    const halfOpen = await Promise.all(Array.from({ length: 10 }, rawWebSocket));
    for (const socket of halfOpen) socket.pause(); // never read, never pong
    expect(server.app.io.engine.clientsCount).toBe(before + 10);
    expect(await eventually(() => server.app.io.engine.clientsCount === before)).toBe(true);
  });

  it('are dropped, and leave the booth, when they stop reading while the booth keeps chatting', async () => {
    const talker = await signedInSocket(server.baseUrl, 'member@fair.test');
    const reader = await signedInSocket(server.baseUrl, 'member2@fair.test');
    sockets.push(talker.socket, reader.socket);
    const boothId = 1;
    expect((await request(reader.socket, 'booth:join', { boothId })).ok).toBe(true);
    expect((await request(talker.socket, 'booth:join', { boothId })).ok).toBe(true);
    const readerId = reader.socket.id!;
    expect(server.app.io.sockets.sockets.has(readerId)).toBe(true);

    const link = (reader.socket.io.engine.transport as unknown as { ws: { _socket: TcpSocket } }).ws._socket;
    link.pause();
    const left = nextEvent(talker.socket, 'presence:changed', (p) => p.left.includes(reader.userId), WITHIN_MS);
    for (let i = 0; i < 5; i++) {
      await request(talker.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: `to a reader who is not reading ${i}` });
    }
    expect(await eventually(() => !server.app.io.sockets.sockets.has(readerId))).toBe(true);
    expect((await left).left).toContain(reader.userId);
    link.destroy();
  });
});

describe('frames over the size cap', () => {
  it('cut off the socket that sent one, while the server serves everyone else', async () => {
    const sender = await signedInSocket(server.baseUrl, 'member@fair.test');
    const bystander = await signedInSocket(server.baseUrl, 'member2@fair.test');
    sockets.push(sender.socket, bystander.socket);
    const gone = new Promise<string>((resolve) => sender.socket.once('disconnect', resolve));
    sender.socket.emit('chat:send', { boothId: 1, clientMsgId: randomUUID(), body: 'x'.repeat(1024 * 1024) }, () => undefined);
    expect(await gone).toBe('transport close');
    expect((await request(bystander.socket, 'booth:join', { boothId: 1 })).ok).toBe(true);
  });

  it('over HTTP are answered 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await new TestClient(server.baseUrl).post('/api/auth/login', { email: 'big@fair.test', password: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('are refused at the frame header, so the process does not grow', async () => {
    const frames = [64 * 1024, 1024 * 1024];
    expect(frames.every((bytes) => bytes > SOCKET_MAX_PAYLOAD_BYTES)).toBe(true);
    const payload = Buffer.alloc(1024 * 1024, 0x61);
    const sendOversize = async (bytes: number) => {
      const socket = await rawWebSocket();
      socket.on('data', () => undefined); // keep reading so the close is seen
      const closed = closedByServer(socket);
      socket.write(frameHeader(bytes));
      socket.write(payload.subarray(0, bytes));
      return closed;
    };
    expect(await sendOversize(frames[0]!)).toBe(true); // warm-up: lazy allocations happen here
    const before = retainedBytes();
    const closed: boolean[] = [];
    let sentBytes = 0;
    for (let i = 0; i < 40; i++) {
      closed.push(await sendOversize(frames[i % 2]!));
      sentBytes += frames[i % 2]!;
    }
    expect(closed.every(Boolean)).toBe(true);
    expect(await eventually(() => server.app.io.engine.clientsCount === 0)).toBe(true);
    // About 21 MB were sent. A server that buffered or kept them would retain a good part of it;
    // reading them into buffers that become garbage at once is fine, so compare after a GC.
    expect(sentBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(retainedBytes() - before).toBeLessThan(8 * 1024 * 1024);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });
});
