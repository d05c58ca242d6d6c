import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AppDeps } from '../app.js';
import { boothIdsBySlug, startTestServer, TestClient, type TestServer } from './harness.js';
import { joinedSocket, signedInSocket, sleep, type ClientSocket } from './sockets.js';

/**
 * One fair for a test file, with helpers that open sockets and close them after each test.
 * Between tests the clock moves on and the grace period runs out, so tests do not see each
 * other. The chat rate limit counts in real time, across tests: it is lifted here (realtime.test.ts
 * and cluster-limits.test.ts test it); slow mode is not.
 */
export function useSocketFair(deps: Partial<AppDeps> = {}) {
  const presenceGraceMs = deps.presenceGraceMs ?? 200;
  const open: ClientSocket[] = [];
  const fair = {
    server: undefined as unknown as TestServer,
    boothIds: {} as Record<string, number>,
    /** Signs in, connects and joins a booth (by slug). */
    join: async (email: string, slug = 'peace-direct') => {
      const session = await joinedSocket(fair.server.baseUrl, email, fair.boothIds[slug]!);
      open.push(session.socket);
      return session;
    },
    /** Signs in and connects, without joining a booth. */
    connect: async (email: string) => {
      const session = await signedInSocket(fair.server.baseUrl, email);
      open.push(session.socket);
      return session;
    },
    /** Closes this socket after the test. */
    track: (socket: ClientSocket) => {
      open.push(socket);
    },
  };
  beforeAll(async () => {
    fair.server = await startTestServer({ deps: { lobbyIntervalMs: 100, chatRate: { maxMessages: 1e6 }, ...deps, presenceGraceMs } });
    fair.boothIds = await boothIdsBySlug(fair.server.baseUrl);
  });
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.disconnect();
    fair.server.clock.advance(11_000);
    await sleep(presenceGraceMs + 100);
  });
  afterAll(async () => {
    await fair.server?.close();
  });
  return fair;
}

/** One fair for a test file and a client signed in to it as `email` (an organiser, say). */
export function useSignedInFair(email: string) {
  const fair = { server: undefined as unknown as TestServer, client: undefined as unknown as TestClient };
  beforeAll(async () => {
    fair.server = await startTestServer();
    fair.client = new TestClient(fair.server.baseUrl);
    await fair.client.login(email);
  });
  afterAll(async () => {
    await fair.server?.close();
  });
  return fair;
}
