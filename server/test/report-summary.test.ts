import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reportSummarySchema } from '../../shared/report-summary.js';
import { TestClient } from './harness.js';
import { useSocketFair } from './fair.js';
import { request, type ClientSocket } from './sockets.js';

const fair = useSocketFair();
const { join } = fair;

async function signedIn(email: string): Promise<TestClient> {
  const client = new TestClient(fair.server.baseUrl);
  await client.login(email);
  return client;
}

async function openCount(client: TestClient): Promise<number> {
  const res = await client.get('/api/moderation/reports/summary');
  expect(res.status).toBe(200);
  return reportSummarySchema.parse(res.body).open;
}

async function reportedMessage(author: ClientSocket, reporter: ClientSocket): Promise<number> {
  const sent = await request(author, 'chat:send', { boothId: fair.boothIds['peace-direct']!, clientMsgId: randomUUID(), body: 'report me' });
  if (!sent.ok) throw new Error(`send failed: ${sent.error.code}`);
  const report = await request(reporter, 'report:create', { messageId: sent.data.id, reason: 'spam' });
  if (!report.ok) throw new Error(`report failed: ${report.error.code}`);
  return report.data.reportId;
}

describe('GET /api/moderation/reports/summary', () => {
  it('counts the open reports, as many as the queue holds, and stops counting a closed one', async () => {
    const moderatorApi = await signedIn('moderator@fair.test');
    const before = await openCount(moderatorApi);
    const author = await join('member@fair.test');
    const reporter = await join('member2@fair.test');
    const moderator = await fair.connect('moderator@fair.test');

    const first = await reportedMessage(author.socket, reporter.socket);
    await reportedMessage(author.socket, reporter.socket);
    expect(await openCount(moderatorApi)).toBe(before + 2);
    const queue = await moderatorApi.get('/api/moderation/reports?status=open');
    expect(await openCount(moderatorApi)).toBe((queue.body.reports as unknown[]).length);
    // Admins moderate too.
    expect(await openCount(await signedIn('admin@fair.test'))).toBe(before + 2);

    const resolved = await request(moderator.socket, 'report:resolve', { reportId: first, outcome: 'dismissed', note: 'Not a breach.' });
    expect(resolved.ok).toBe(true);
    expect(await openCount(moderatorApi)).toBe(before + 1);
  });

  it('is refused to members and hosts (403), and to nobody signed in (401)', async () => {
    for (const email of ['member@fair.test', 'host@fair.test']) {
      const res = await (await signedIn(email)).get('/api/moderation/reports/summary');
      expect([email, res.status, res.body.error?.code]).toEqual([email, 403, 'FORBIDDEN']);
    }
    const anonymous = await new TestClient(fair.server.baseUrl).get('/api/moderation/reports/summary');
    expect([anonymous.status, anonymous.body.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

