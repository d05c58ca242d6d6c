import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountabilityReport, BoothFeedbackView, FeedbackOverview } from '../../shared/booth-feedback.js';
import type { AccountExport } from '../../shared/privacy.js';
import { complaints, complaintSteps, surveyResponses, surveys } from '../db/tables.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { joinedSocket, request, signedInSocket, type ClientSocket } from './sockets.js';

let server: TestServer;
let boothId: number;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await server?.close();
});

/** Signs in, enters the booth and leaves it: the visit records now hold a stay. */
async function visitor(email: string, displayName: string): Promise<TestClient> {
  await createUser(server.db, { email, displayName, role: 'member' });
  const session = await joinedSocket(server.baseUrl, email, boothId);
  sockets.push(session.socket);
  expect((await request(session.socket, 'booth:leave', { boothId })).ok).toBe(true);
  return session.client;
}

async function signedIn(email: string): Promise<TestClient> {
  const session = await signedInSocket(server.baseUrl, email);
  sockets.push(session.socket);
  return session.client;
}

describe('booth feedback', () => {
  it('is asked once: a second rating of the same booth is refused with 409', async () => {
    const amara = await visitor('amara@fair.test', 'Amara Okafor');
    const first = await amara.post('/api/booths/peace-direct/feedback', { rating: 5, comment: 'Clear and welcoming' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ rating: 5 });
    const again = await amara.post('/api/booths/peace-direct/feedback', { rating: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('CONFLICT');
    const rows = await server.sql<{ rating: number }>('select rating from booth_feedback where booth_id = ?', [boothId]);
    expect(rows.map((row) => Number(row.rating))).toEqual([5]);
  });

  it('may be given only by someone who visited the booth', async () => {
    await createUser(server.db, { email: 'never-came@fair.test', displayName: 'Never Came', role: 'member' });
    const stranger = await signedIn('never-came@fair.test');
    const refused = await stranger.post('/api/booths/peace-direct/feedback', { rating: 4 });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('FORBIDDEN');
    expect((await stranger.post('/api/booths/no-such-booth/feedback', { rating: 4 })).status).toBe(404);
    const anonymous = new TestClient(server.baseUrl);
    expect((await anonymous.post('/api/booths/peace-direct/feedback', { rating: 4 })).status).toBe(401);
  });

  it('answers a bad rating or comment with INVALID_PAYLOAD naming the field', async () => {
    const bea = await visitor('bea@fair.test', 'Bea Santos');
    for (const [body, field] of [
      [{ rating: 0 }, 'rating'],
      [{ rating: 6 }, 'rating'],
      [{ rating: 3.5 }, 'rating'],
      [{}, 'rating'],
      [{ rating: 3, comment: 'x'.repeat(1001) }, 'comment'],
      [{ rating: 3, name: 'Bea' }, ''],
    ] as const) {
      const res = await bea.post('/api/booths/peace-direct/feedback', body);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('INVALID_PAYLOAD');
      if (field) expect(res.body.error?.details?.field).toBe(field);
    }
    expect((await bea.post('/api/booths/peace-direct/feedback', { rating: 3, comment: '  ' })).status).toBe(201);
  });

  it('shows hosts the average, distribution and comments newest first, with no names or ids', async () => {
    const carl = await visitor('carl@fair.test', 'Carl Mbeki');
    server.clock.advance(1000);
    expect((await carl.post('/api/booths/peace-direct/feedback', { rating: 4, comment: 'Good session on funding' })).status).toBe(201);
    const host = await signedIn('host@fair.test');
    const res = await host.get('/api/booths/peace-direct/feedback');
    expect(res.status).toBe(200);
    const view = res.body as unknown as BoothFeedbackView;
    expect(view).toMatchObject({ boothId, count: 3, average: 4, distribution: [0, 0, 1, 1, 1] });
    // Bea's blank comment is no comment.
    expect(view.comments.map((c) => [c.rating, c.comment])).toEqual([
      [4, 'Good session on funding'],
      [5, 'Clear and welcoming'],
    ]);
    const text = JSON.stringify(res.body);
    for (const name of ['Amara', 'Bea', 'Carl', 'amara@', 'userId']) expect(text).not.toContain(name);
    const userIds = await server.sql<{ user_id: string }>('select user_id from booth_feedback');
    for (const { user_id } of userIds) expect(text).not.toContain(user_id);
  });

  it('is read by the booth’s hosts and organisers only', async () => {
    const otherBooth = (await boothIdsBySlug(server.baseUrl)).kujalink!;
    await createUser(server.db, { email: 'kuja-host@fair.test', displayName: 'Kuja Host', role: 'host', hostsBoothId: otherBooth });
    const outcomes: Record<string, number> = {};
    for (const email of ['member@fair.test', 'kuja-host@fair.test', 'moderator@fair.test', 'host@fair.test', 'admin@fair.test']) {
      outcomes[email] = (await (await signedIn(email)).get('/api/booths/peace-direct/feedback')).status;
    }
    expect(outcomes).toEqual({ 'member@fair.test': 403, 'kuja-host@fair.test': 403, 'moderator@fair.test': 403, 'host@fair.test': 200, 'admin@fair.test': 200 });
  });

  it('shows organisers every booth side by side', async () => {
    const admin = await signedIn('admin@fair.test');
    const res = await admin.get('/api/admin/feedback');
    expect(res.status).toBe(200);
    const overview = res.body as unknown as FeedbackOverview;
    expect(overview.booths.length).toBeGreaterThanOrEqual(11);
    expect(overview.booths.find((booth) => booth.slug === 'peace-direct')).toMatchObject({ count: 3, average: 4, distribution: [0, 0, 1, 1, 1] });
    expect(overview.booths.find((booth) => booth.slug === 'kujalink')).toMatchObject({ count: 0, average: null });
    expect((await (await signedIn('host@fair.test')).get('/api/admin/feedback')).status).toBe(403);
  });
});

describe('booth feedback and the member’s data', () => {
  it('is in the member’s export, and erasing the account removes it', async () => {
    const dana = await visitor('dana@fair.test', 'Dana Ruiz');
    expect((await dana.post('/api/booths/peace-direct/feedback', { rating: 2, comment: 'Too loud' })).status).toBe(201);
    const exported = (await dana.get('/api/me/export')).body as unknown as AccountExport;
    expect(exported.boothFeedback).toEqual([expect.objectContaining({ boothId, booth: 'peace-direct', rating: 2, comment: 'Too loud' })]);
    expect((await dana.request('DELETE', '/api/me', { password: 'fair-demo' })).status).toBe(204);
    expect(await server.sql('select id from booth_feedback where user_id = ?', [exported.account.id])).toEqual([]);
  });
});

describe('the accountability report', () => {
  const HOUR_MS = 3_600_000;

  beforeAll(async () => {
    const base = Date.parse('2026-05-04T09:00:00Z');
    const at = (hours: number) => new Date(base + hours * HOUR_MS);
    // Four complaints: acknowledged after 2, 4 and 10 hours (one never); resolved after 24 and 48 hours, one declined after 6.
    const filed = await server.db
      .insert(complaints)
      .values([
        { category: 'conduct', body: 'one', createdAt: at(0) },
        { category: 'conduct', body: 'two', createdAt: at(0) },
        { category: 'accessibility', body: 'three', createdAt: at(0) },
        { category: 'technical', body: 'four', createdAt: at(0) },
      ])
      .returning({ id: complaints.id });
    const [a, b, c] = filed.map((row) => row.id);
    await server.db.insert(complaintSteps).values([
      { complaintId: a!, status: 'received', createdAt: at(0) },
      { complaintId: a!, status: 'acknowledged', createdAt: at(2) },
      { complaintId: a!, status: 'resolved', reply: 'Fixed', createdAt: at(24) },
      { complaintId: b!, status: 'acknowledged', createdAt: at(4) },
      { complaintId: b!, status: 'in_progress', createdAt: at(5) },
      { complaintId: b!, status: 'resolved', createdAt: at(48) },
      // Taken straight to "declined": that step acknowledges it too.
      { complaintId: c!, status: 'in_progress', createdAt: at(10) },
      { complaintId: c!, status: 'declined', createdAt: at(60) },
    ]);
    // An older survey, then the latest: 6 promoters, 2 passives, 2 detractors.
    const [older] = await server.db.insert(surveys).values({ template: 'nps', questions: {}, status: 'closed', openedAt: at(-100), closedAt: at(-90) }).returning({ id: surveys.id });
    const [latest] = await server.db.insert(surveys).values({ template: 'nps', questions: {}, status: 'open', openedAt: at(-1) }).returning({ id: surveys.id });
    await server.db.insert(surveys).values({ template: 'nps', questions: {}, status: 'draft' });
    const scores = [10, 10, 9, 9, 9, 10, 8, 7, 6, 0];
    for (const [i, recommend] of scores.entries()) {
      const userId = await createUser(server.db, { email: `answer${i}@fair.test`, displayName: `Answer ${i}`, role: 'member' });
      await server.db.insert(surveyResponses).values({ surveyId: latest!.id, userId, answers: { recommend, reason: 'because' }, locale: 'en', role: 'member', updatedAt: at(1) });
      if (i < 3) await server.db.insert(surveyResponses).values({ surveyId: older!.id, userId, answers: { recommend: 0 }, locale: 'en', role: 'member', updatedAt: at(-95) });
    }
  });

  it('counts complaints per category, the medians, the latest survey’s NPS and the booth ratings', async () => {
    const admin = await signedIn('admin@fair.test');
    const res = await admin.get('/api/accountability/report');
    expect(res.status).toBe(200);
    const report = res.body as unknown as AccountabilityReport;
    expect(report.complaints).toEqual({
      total: 4,
      byCategory: { conduct: 2, accessibility: 1, technical: 1 },
      medianSecondsToAcknowledge: 4 * 3600,
      // 24, 48 and 60 hours
      medianSecondsToResolve: 48 * 3600,
    });
    expect(report.survey).toMatchObject({ responses: 10, promoters: 6, passives: 2, detractors: 2, nps: 40 });
    expect(report.boothRatings.find((booth) => booth.slug === 'peace-direct')).toMatchObject({ count: 3, average: 4 });
  });

  it('is a CSV for a spreadsheet, and for organisers only', async () => {
    const admin = await signedIn('admin@fair.test');
    const res = await admin.request('GET', '/api/accountability/report?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (res.body as unknown as string).trim().split('\r\n');
    expect(lines[0]).toBe('"section","item","count","value"');
    expect(lines).toContain('"complaints_by_category","conduct","2",""');
    expect(lines).toContain(`"complaints","median_seconds_to_acknowledge","","${4 * 3600}"`);
    expect(lines).toContain('"survey","nps","10","40"');
    expect(lines).toContain('"booth_rating","peace-direct","3","4"');
    for (const email of ['member@fair.test', 'host@fair.test', 'moderator@fair.test']) {
      expect((await (await signedIn(email)).get('/api/accountability/report')).status).toBe(403);
    }
  });
});
