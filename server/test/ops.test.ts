import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { boothIdsBySlug, startTestServer, testDialect, TestClient, type TestServer } from './harness.js';
import { connected, joinedSocket, openSocket, rawRequest, request, type ClientSocket } from './sockets.js';

const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';
const NODE_ID = 'node-a';

/** Every pino line the fair wrote, parsed. */
function capturedLog() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** One sample's value from a Prometheus text exposition, matched by name and exact labels. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]!] = pair[2]!;
    if (JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(match[3]);
  }
  return undefined;
}

/** The status a WebSocket upgrade request gets (101 when the node takes it). */
function upgradeStatus(baseUrl: string, cookie: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}/socket.io/?EIO=4&transport=websocket`, {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), cookie },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

async function scrape(baseUrl: string, authorization = `Bearer ${METRICS_TOKEN}`): Promise<{ status: number; text: string; response: Response }> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization } });
  return { status: response.status, text: await response.text(), response };
}

describe('a node with METRICS_TOKEN', () => {
  const log = capturedLog();
  let server: TestServer;
  let boothId: number;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      env: { METRICS_TOKEN, NODE_ID },
      deps: { logger: createLogger('info', log.stream, NODE_ID), ops: { healthIntervalMs: 100 } },
    });
    boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('GET /metrics', () => {
    it('answers 401 without the token or with a wrong one', async () => {
      const bare = await fetch(`${server.baseUrl}/metrics`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('www-authenticate')).toBe('Bearer');
      for (const authorization of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, METRICS_TOKEN, `Basic ${METRICS_TOKEN}`]) {
        expect((await scrape(server.baseUrl, authorization)).status).toBe(401);
      }
    });

    it('answers the Prometheus text format with the token: node, process and dependency metrics', async () => {
      const { status, text, response } = await scrape(server.baseUrl);
      expect(status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(text, 'fair_node_info', { node: NODE_ID })).toBe(1);
      expect(sample(text, 'fair_dependency_up', { dependency: 'database' })).toBe(1);
      expect(sample(text, 'fair_dependency_latency_seconds_count', { dependency: 'database' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'fair_process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'fair_process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(sample(text, 'fair_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
      // The embedded mode has no adapter to lag behind; the scaled mode's node is timed (alone here: no one to wait for).
      if (testDialect === 'postgres') expect(sample(text, 'fair_adapter_lag_seconds')).toBeLessThan(1);
      else expect(text).not.toContain('fair_adapter_lag_seconds');
    });

    it('counts sockets, booth members and acks by command and code', async () => {
      const amina = await joinedSocket(server.baseUrl, 'member@fair.test', boothId);
      open.push(amina.socket);
      const sent = await request(amina.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'hello, metrics' });
      expect(sent.ok).toBe(true);
      const junk = await rawRequest(amina.socket, 'chat:send', { boothId, body: 42 });
      expect(!junk.ok && junk.error.code).toBe('INVALID_PAYLOAD');

      const { text } = await scrape(server.baseUrl);
      expect(sample(text, 'fair_sockets_connected')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'fair_booth_members', { booth: String(boothId) })).toBe(1);
      expect(sample(text, 'fair_acks_total', { command: 'booth:join', code: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'fair_acks_total', { command: 'chat:send', code: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'fair_acks_total', { command: 'chat:send', code: 'INVALID_PAYLOAD' })).toBe(1);
    });
  });

  describe('GET /healthz', () => {
    it('answers 200 with the node and a timed database check', async () => {
      const res = await new TestClient(server.baseUrl).get('/healthz');
      expect(res.status).toBe(200);
      const { checks, ...verdict } = res.body as { checks: Record<string, { ok: boolean; ms: number }> };
      expect(verdict).toEqual({ status: 'ok', ok: true, node: NODE_ID });
      // The scaled mode checks Redis too.
      expect(Object.keys(checks)).toEqual(testDialect === 'postgres' ? ['database', 'redis'] : ['database']);
      for (const check of Object.values(checks)) {
        expect(check.ok).toBe(true);
        expect(check.ms).toBeGreaterThanOrEqual(0);
      }
    });
  });

  // SQLite's own failure mode: a write lock held by another connection to the file.
  describe.skipIf(testDialect === 'postgres')('a database another connection holds locked', () => {
    it('drains the node (503 + Retry-After for /healthz, the API and new handshakes), keeps open sockets, and recovers', async () => {
      const luis = await joinedSocket(server.baseUrl, 'member2@fair.test', boothId);
      open.push(luis.socket);
      const locker = new Database(server.dbPath);
      locker.exec('BEGIN EXCLUSIVE');
      try {
        // The periodic check finds it on its own: the API starts refusing.
        await expect.poll(async () => (await luis.client.get('/api/me')).status).toBe(503);
        const refused = await luis.client.get('/api/me');
        expect(refused.headers.get('retry-after')).toBe('1');
        expect(refused.body.error?.code).toBe('UNAVAILABLE');

        const health = await fetch(`${server.baseUrl}/healthz`);
        expect(health.status).toBe(503);
        expect(health.headers.get('retry-after')).toBe('1');
        expect(await health.json()).toMatchObject({ status: 'degraded', ok: false, node: NODE_ID, checks: { database: { ok: false } } });

        // New Socket.IO sessions are refused: a polling handshake gets 503, a WebSocket never opens.
        const handshake = await fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: luis.client.cookie! } });
        expect(handshake.status).toBe(503);
        expect(handshake.headers.get('retry-after')).toBe('1');
        await handshake.body?.cancel();
        expect(await upgradeStatus(server.baseUrl, luis.client.cookie!)).toBe(503);
        const newcomer = openSocket(server.baseUrl, luis.client.cookie);
        open.push(newcomer);
        await expect(connected(newcomer)).rejects.toThrow();

        // The open connection is still served (reads go on while the write lock is held).
        const history = await request(luis.socket, 'chat:history', { boothId });
        expect(history.ok).toBe(true);

        // Metrics still answer, and say which dependency is down.
        const { status, text } = await scrape(server.baseUrl);
        expect(status).toBe(200);
        expect(sample(text, 'fair_dependency_up', { dependency: 'database' })).toBe(0);
      } finally {
        locker.exec('ROLLBACK');
        locker.close();
      }

      await expect.poll(async () => (await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect((await luis.client.get('/api/me')).status).toBe(200);
      const back = openSocket(server.baseUrl, luis.client.cookie);
      open.push(back);
      await connected(back);
      expect(await upgradeStatus(server.baseUrl, luis.client.cookie!)).toBe(101);

      // Both changes of state were logged, and every line names the node.
      const records = log.records();
      expect(records.length).toBeGreaterThan(0);
      expect(records.every((record) => record.node === NODE_ID)).toBe(true);
      const fromOps = records.filter((record) => record.feature === 'ops').map(({ msg, failing }) => ({ msg: String(msg).split(':')[0], failing }));
      expect(fromOps).toEqual([
        { msg: 'node unhealthy', failing: ['database'] },
        { msg: 'node healthy again', failing: undefined },
      ]);
    });
  });
});

describe('a node without METRICS_TOKEN, with METRICS_PORT', () => {
  let server: TestServer;
  let internalUrl: string;

  beforeAll(async () => {
    server = await startTestServer({ seed: false, env: { METRICS_PORT: '0' } });
    const internal = server.app.metricsServer!;
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 404 for /metrics on the public port, whatever the token', async () => {
    expect((await fetch(`${server.baseUrl}/metrics`)).status).toBe(404);
    expect((await scrape(server.baseUrl)).status).toBe(404);
  });

  it('serves /metrics and /healthz on the internal port with no token', async () => {
    const metrics = await fetch(`${internalUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(sample(await metrics.text(), 'fair_sockets_connected')).toBe(0);
    const health = await fetch(`${internalUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, checks: { database: { ok: true } } });
    expect((await fetch(`${internalUrl}/api/me`)).status).toBe(404);
    expect((await fetch(`${internalUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('a node with neither', () => {
  it('has no metrics to serve, and closes cleanly', async () => {
    const server = await startTestServer({ seed: false });
    try {
      expect(server.app.metricsServer).toBeNull();
      expect((await scrape(server.baseUrl)).status).toBe(404);
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
