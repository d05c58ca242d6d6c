import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { createApplication, type Application } from '../app.js';
import { loadConfig } from '../config.js';
import { openDatabase, type Db } from '../db/open.js';
import { createLogger } from '../logger.js';
import type { DependencyProbe } from '../ops/probes.js';
import { installed, startNginx, waitForHttp, type RunningNginx } from '../scripts/local-cluster.js';
import { SESSION_COOKIE } from '../auth/cookies.js';
import { boothIdsBySlug, startTestServer, TestClient, type TestServer } from './harness.js';
import { freePort } from './process.js';
import { connected, request, type ClientSocket } from './sockets.js';

const hasNginx = installed('nginx');
if (!hasNginx) {
  if (process.env.REQUIRE_CLUSTER === '1') throw new Error("REQUIRE_CLUSTER=1 but no nginx on PATH: install Debian's nginx package.");
  console.warn("Skipping the nginx tests: no nginx on PATH (install Debian's nginx package).");
}

/** A dependency a test takes down on one node only. */
function switchableProbe() {
  let up = true;
  const probe: DependencyProbe = {
    name: 'switch',
    check() {
      if (!up) throw new Error('switched off');
    },
  };
  return { probe, set: (value: boolean) => (up = value) };
}

/**
 * Two nodes of one fair (one SQLite file, as the scaled mode shares one PostgreSQL) behind a
 * real nginx running deploy/nginx.conf's template: what the template promises, checked.
 */
describe.skipIf(!hasNginx)('nginx in front of two nodes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fair-nginx-'));
  const switches = { 'node-a': switchableProbe(), 'node-b': switchableProbe() };
  let first: TestServer;
  let second: { app: Application; db: Db };
  let nginx: RunningNginx | undefined;
  let baseUrl: string;
  let boothId: number;
  const open: ClientSocket[] = [];

  beforeAll(async () => {
    const ops = (node: keyof typeof switches) => ({ healthIntervalMs: 100, probes: [switches[node].probe], processMetrics: false });
    first = await startTestServer({ env: { NODE_ID: 'node-a', TRUST_PROXY: '1' }, deps: { ops: ops('node-a') } });
    const loaded = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_PATH: first.dbPath, LOG_LEVEL: 'silent', NODE_ID: 'node-b', TRUST_PROXY: '1' });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const db = openDatabase(first.dbPath);
    second = { app: createApplication({ config: loaded.config, db, logger: createLogger('silent'), ops: ops('node-b') }), db };
    await new Promise<void>((resolve) => second.app.httpServer.listen(0, '127.0.0.1', resolve));

    const ports = [first.baseUrl, `http://127.0.0.1:${(second.app.httpServer.address() as AddressInfo).port}`].map((url) => Number(new URL(url).port));
    const listen = await freePort();
    nginx = await startNginx({ nodes: ports, listen: `127.0.0.1:${listen}`, port: listen, runtimeDir: dir, sessionCookie: SESSION_COOKIE });
    baseUrl = `http://127.0.0.1:${listen}`;
    await waitForHttp(`${baseUrl}/healthz`, nginx.process, { wanted: 200, timeoutMs: 10_000 });
    boothId = (await boothIdsBySlug(baseUrl))['peace-direct']!;
  });

  afterAll(async () => {
    for (const socket of open) socket.disconnect();
    await nginx?.stop();
    await second?.app.close();
    second?.db.$client.close();
    await first?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Which node answers this cookie's requests (the /healthz answer names it). */
  async function nodeOf(cookie: string | undefined): Promise<string> {
    const response = await fetch(`${baseUrl}/healthz`, { headers: cookie ? { cookie } : {} });
    return ((await response.json()) as { node: string }).node;
  }

  function socketThrough(cookie: string, transports: ('polling' | 'websocket')[]): ClientSocket {
    const socket: ClientSocket = connect(baseUrl, {
      transports,
      upgrade: false,
      extraHeaders: { cookie, origin: baseUrl },
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    open.push(socket);
    return socket;
  }

  async function signIn(email: string): Promise<string> {
    const client = new TestClient(baseUrl, { origin: baseUrl });
    await client.login(email);
    return client.cookie!;
  }

  it('keeps one session on one node, and carries long polling and WebSockets', async () => {
    const cookie = await signIn('member@fair.test');
    const node = await nodeOf(cookie);
    for (let i = 0; i < 5; i++) expect(await nodeOf(cookie)).toBe(node);

    // Polling is a run of separate requests: each must reach the node holding the session
    // (another node would answer 400 and the socket would drop).
    const polling = socketThrough(cookie, ['polling']);
    await connected(polling);
    expect((await request(polling, 'booth:join', { boothId })).ok).toBe(true);
    for (let i = 0; i < 5; i++) expect((await request(polling, 'chat:history', { boothId })).ok).toBe(true);
    const websocket = socketThrough(cookie, ['websocket']);
    await connected(websocket);
    expect((await request(websocket, 'booth:join', { boothId })).ok).toBe(true);
    expect(polling.connected && websocket.connected).toBe(true);
  });

  it('moves newcomers and API requests off a node whose health check fails, and back once it passes', async () => {
    const cookie = await signIn('member2@fair.test');
    const home = (await nodeOf(cookie)) as keyof typeof switches;
    const other = home === 'node-a' ? 'node-b' : 'node-a';
    switches[home].set(false);
    try {
      // The home node answers 503 once its periodic check has run; nginx retries the other.
      await expect.poll(() => nodeOf(cookie)).toBe(other);
      const me = await fetch(`${baseUrl}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      for (const transports of [['polling'], ['websocket']] as const) {
        const socket = socketThrough(cookie, [...transports]);
        await connected(socket);
        expect((await request(socket, 'booth:join', { boothId })).ok).toBe(true);
      }
    } finally {
      switches[home].set(true);
    }
    // nginx leaves a failed node out for fail_timeout (10 s): new requests return once it has passed.
    await expect.poll(() => nodeOf(cookie), { timeout: 20_000, interval: 500 }).toBe(home);
  }, 40_000);
});
