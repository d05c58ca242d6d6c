import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from './harness.js';
import { freePort, killHard, startServerProcess } from './process.js';
import { openSocket, request, sleep, type ClientSocket } from './sockets.js';

/** A member's client as the browser keeps it: an outbox of unacked messages, resent after reconnect. */
class OutboxClient {
  readonly acked = new Map<string, number>();
  readonly outbox = new Map<string, string>();
  readonly resent = new Set<string>();
  socket!: ClientSocket;
  boothId = 0;

  constructor(
    readonly baseUrl: string,
    readonly cookie: string,
  ) {}

  async connectAndJoin(boothId: number): Promise<void> {
    this.boothId = boothId;
    this.socket = openSocket(this.baseUrl, this.cookie, { reconnection: true });
    this.socket.io.opts.reconnectionDelay = 100;
    this.socket.io.opts.reconnectionDelayMax = 300;
    this.socket.on('connect', () => void this.rejoinAndFlush());
    await new Promise<void>((done) => this.socket.once('connect', () => done()));
  }

  private joined: Promise<void> = Promise.resolve();

  private rejoinAndFlush(): Promise<void> {
    this.joined = (async () => {
      const ack = await request(this.socket, 'booth:join', { boothId: this.boothId }).catch(() => null);
      if (!ack?.ok) return;
      for (const [clientMsgId, body] of this.outbox) {
        this.resent.add(clientMsgId);
        void this.deliver(clientMsgId, body);
      }
    })();
    return this.joined;
  }

  private async deliver(clientMsgId: string, body: string): Promise<void> {
    const ack = await request(this.socket, 'chat:send', { boothId: this.boothId, clientMsgId, body }, 2000).catch(() => null);
    if (ack?.ok) {
      this.outbox.delete(clientMsgId);
      this.acked.set(clientMsgId, ack.data.seq);
    }
  }

  send(body: string): void {
    const clientMsgId = randomUUID();
    this.outbox.set(clientMsgId, body);
    if (this.socket.connected) void this.deliver(clientMsgId, body);
  }

  async settle(): Promise<void> {
    await this.joined;
    for (let i = 0; i < 100 && this.outbox.size > 0; i++) await sleep(100);
  }
}

describe('a server killed mid-burst', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fair-fault-'));
  const dbPath = join(dir, 'fair.db');
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child) await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acked message and stores every resent one exactly once', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATABASE_PATH: dbPath, SEED_DEMO: 'true' };
    child = await startServerProcess(env);
    const baseUrl = `http://127.0.0.1:${port}`;

    const clients: OutboxClient[] = [];
    const boothId = (
      (await (async () => {
        const c = new TestClient(baseUrl);
        await c.login('admin@fair.test');
        return c.get('/api/booths/peace-direct');
      })()).body as { id: number }
    ).id;
    for (const email of ['member@fair.test', 'member2@fair.test', 'host@fair.test']) {
      const http = new TestClient(baseUrl);
      await http.login(email);
      const client = new OutboxClient(baseUrl, http.cookie!);
      await client.connectAndJoin(boothId);
      clients.push(client);
    }

    // A burst from three members, under the rate limit: 7 each, spread over ~1 s.
    let sent = 0;
    const burst = (async () => {
      for (let round = 0; round < 7; round++) {
        for (const client of clients) {
          client.send(`round ${round} from ${clients.indexOf(client)}`);
          sent++;
        }
        await sleep(40);
      }
    })();
    await sleep(120);
    await killHard(child); // mid-burst: some messages acked, some in flight, some not yet sent
    await burst;
    const ackedBeforeKill = clients.reduce((n, c) => n + c.acked.size, 0);
    expect(ackedBeforeKill).toBeGreaterThan(0);
    expect(ackedBeforeKill).toBeLessThan(sent);

    child = await startServerProcess(env);
    for (const client of clients) await client.settle();

    const db = new Database(dbPath, { readonly: true });
    try {
      const rows = db.prepare('select client_msg_id as id, seq from messages where booth_id = ?').all(boothId) as { id: string; seq: number }[];
      const countById = new Map<string, number>();
      for (const row of rows) countById.set(row.id, (countById.get(row.id) ?? 0) + 1);
      for (const client of clients) {
        expect(client.outbox.size).toBe(0);
        for (const id of client.acked.keys()) expect(countById.get(id)).toBe(1);
        for (const id of client.resent) expect(countById.get(id)).toBe(1);
      }
      expect(rows).toHaveLength(sent);
      // Sequence numbers stay gap-free across the crash.
      expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
      const resentCount = clients.reduce((n, c) => n + c.resent.size, 0);
      expect(resentCount).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    for (const client of clients) client.socket.disconnect();
  }, 60_000);
});
