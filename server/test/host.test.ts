import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Booth, BoothFigures } from '../../shared/booths.js';
import type { AuditEntry } from '../../shared/moderation.js';
import type { CommandInput } from '../../shared/protocol.js';
import { startOfDay } from '../host/routes.js';
import { createUser, TestClient } from './harness.js';
import { useSocketFair } from './fair.js';
import { nextEvent, rawRequest, request, type ClientSocket } from './sockets.js';
import { LIVE_FORMULA_CELL, readAsSpreadsheet } from './spreadsheet.js';

const fair = useSocketFair();
const { join, connect } = fair;

const hoursFromNow = (hours: number) => new Date(fair.server.clock.now() + hours * 3_600_000).toISOString();


describe('host console', () => {
  it('edits the profile, and the booth and the lobby see it live', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const host = await join('host@fair.test');
    const inBooth = await join('member@fair.test');
    const inLobby = await connect('member2@fair.test');
    const seen = [inBooth, inLobby].map((s) => nextEvent(s.socket, 'booth:updated', (b) => b.id === boothId));
    const profile: CommandInput<'booth:edit'> = {
      boothId,
      description: 'Local peacebuilders, in their own words.',
      languages: ['fr', 'en'],
      tags: ['peacebuilding', 'grants'],
      links: [{ title: 'Annual report', url: 'https://example.org/report.pdf' }],
    };
    const ack = await request(host.socket, 'booth:edit', profile);
    expect(ack.ok && ack.data).toMatchObject({ description: profile.description, languages: ['fr', 'en'], tags: ['peacebuilding', 'grants'], links: profile.links });
    for (const booth of await Promise.all(seen)) expect(booth.links).toEqual(profile.links);

    const scriptLink = await request(host.socket, 'booth:edit', { boothId, links: [{ title: 'x', url: 'javascript:alert(1)' }] });
    expect(scriptLink.ok || scriptLink.error.details?.field).toBe('links.0.url');
    const other = await request(host.socket, 'booth:edit', { boothId: fair.boothIds.kujalink!, description: 'not mine' });
    expect(other.ok || other.error.code).toBe('FORBIDDEN');
  });

  it('keeps a schedule: sessions not yet over, earliest first, in GET /api/booths', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const host = await connect('host@fair.test');
    const later = { title: 'Grant clinic', startsAt: hoursFromNow(3), endsAt: hoursFromNow(4), language: 'es' as const };
    const now = { title: 'Welcome', startsAt: hoursFromNow(-0.5), endsAt: hoursFromNow(0.5), language: 'en' as const };
    expect((await request(host.socket, 'schedule:add', { boothId, session: later })).ok).toBe(true);
    const ack = await request(host.socket, 'schedule:add', { boothId, session: now });
    expect(ack.ok && ack.data.sessions.map((s) => s.title)).toEqual(['Welcome', 'Grant clinic']);
    const backwards = await request(host.socket, 'schedule:add', { boothId, session: { ...later, endsAt: later.startsAt } });
    expect(backwards.ok || backwards.error.details?.field).toBe('session.endsAt');

    const client = new TestClient(fair.server.baseUrl);
    await client.login('member@fair.test');
    const listed = ((await client.get('/api/booths')).body as unknown as Booth[]).find((b) => b.id === boothId)!;
    expect(listed.sessions.map((s) => s.title)).toEqual(['Welcome', 'Grant clinic']);
    fair.server.clock.advance(3_600_000);
    const afterWelcome = (await client.get('/api/booths/peace-direct')).body as unknown as Booth;
    expect(afterWelcome.sessions.map((s) => s.title)).toEqual(['Grant clinic']);

    const removed = await request(host.socket, 'schedule:remove', { boothId, sessionId: afterWelcome.sessions[0]!.id });
    expect(removed.ok && removed.data.sessions).toEqual([]);
  });

  it('pins a message for everyone, posts a booth announcement, and a delete clears the pin', async () => {
    const boothId = fair.boothIds['peace-direct']!;
    const host = await join('host@fair.test');
    const member = await join('member@fair.test');
    const moderator = await connect('moderator@fair.test');
    const sent = await request(host.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'Welcome! Slides are linked in the profile.' });
    if (!sent.ok) throw new Error('send failed');
    const pinnedSeen = nextEvent(member.socket, 'booth:updated', (b) => b.pinned !== null);
    expect((await request(host.socket, 'chat:pin', { boothId, messageId: sent.data.id })).ok).toBe(true);
    expect((await pinnedSeen).pinned).toEqual({ messageId: sent.data.id, seq: sent.data.seq, authorName: 'Claire', authorRole: 'host', body: sent.data.body });

    const announced = nextEvent(member.socket, 'announcement:created');
    expect((await request(host.socket, 'announcement:create', { text: 'Q&A in five minutes', boothId })).ok).toBe(true);
    expect((await announced).text).toBe('Q&A in five minutes');
    const fairWide = await request(host.socket, 'announcement:create', { text: 'Everyone come!' });
    expect(fairWide.ok || fairWide.error.code).toBe('FORBIDDEN');

    const unpinned = nextEvent(member.socket, 'booth:updated', (b) => b.pinned === null);
    expect((await request(moderator.socket, 'chat:delete', { messageId: sent.data.id })).ok).toBe(true);
    expect((await unpinned).id).toBe(boothId);
  });

  it('shows figures and who waits without a host, as JSON and CSV', async () => {
    const boothId = fair.boothIds['civicus-monitor']!;
    const host = await createUser(fair.server.db, { email: 'monitor-host@fair.test', displayName: 'Monitor host', role: 'host', hostsBoothId: boothId });
    const client = new TestClient(fair.server.baseUrl);
    await client.login('monitor-host@fair.test');
    const figures = async () => (await client.get(`/api/booths/${boothId}/figures`)).body as unknown as BoothFigures;

    const first = await join('member@fair.test', 'civicus-monitor');
    fair.server.clock.advance(60_000);
    await join('member2@fair.test', 'civicus-monitor');
    expect(await figures()).toMatchObject({ visitorsNow: 2, visitorsToday: 2, peakConcurrency: 2, hostPresent: false });
    expect((await figures()).waiting.map((w) => w.displayName).sort()).toEqual(['Amina', 'Luis']);
    expect((await request(first.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'anyone here?' })).ok).toBe(true);

    fair.server.clock.advance(120_000);
    expect((await request(first.socket, 'booth:leave', { boothId })).ok).toBe(true);
    const hostSocket = await join('monitor-host@fair.test', 'civicus-monitor');
    const withHost = await figures();
    expect(withHost).toMatchObject({ visitorsNow: 2, visitorsToday: 3, peakConcurrency: 2, messagesToday: 1, hostPresent: true, waiting: [] });
    // 180 s on the test clock, plus the real seconds the test itself took (it runs on real time too).
    expect(withHost.averageVisitSeconds).toBeGreaterThanOrEqual(180);
    expect(withHost.averageVisitSeconds).toBeLessThan(190);
    expect(hostSocket.userId).toBe(host);

    const csv = await client.get(`/api/booths/${boothId}/figures?format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [header, row, end] = (csv.body as unknown as string).split('\r\n');
    expect([header, end]).toEqual(['"booth","since","visitors_now","visitors_today","peak_concurrency","messages_today","average_visit_seconds"', '']);
    expect(row).toMatch(new RegExp(`^"civicus-monitor","${withHost.since}","2","3","2","1","(${withHost.averageVisitSeconds}|${withHost.averageVisitSeconds + 1})"$`));
  });

  it('counts the day from midnight in the viewer’s time zone', () => {
    const noonUtc = Date.parse('2025-03-10T12:00:00Z');
    expect(startOfDay(noonUtc, 0).toISOString()).toBe('2025-03-10T00:00:00.000Z');
    // UTC−5 (getTimezoneOffset 300): local midnight is 05:00 UTC.
    expect(startOfDay(noonUtc, 300).toISOString()).toBe('2025-03-10T05:00:00.000Z');
    // UTC+13 at 12:00 UTC is already 01:00 on the 11th locally.
    expect(startOfDay(noonUtc, -780).toISOString()).toBe('2025-03-10T11:00:00.000Z');
  });
});

describe('audit log', () => {
  it('exports a hostile display name as one inert cell, in , and ; spreadsheets', async () => {
    const boothId = fair.boothIds.unmute!;
    const since = encodeURIComponent(new Date(fair.server.clock.now()).toISOString());
    const hostileName = "x;=cmd|' /C calc'!A0;";
    const target = await createUser(fair.server.db, { email: 'formula@fair.test', displayName: hostileName, role: 'member' });
    const moderator = await join('moderator@fair.test', 'unmute');
    const muted = await request(moderator.socket, 'moderation:mute', { userId: target, boothId, minutes: 10, reason: '-1+1' });
    expect(muted.ok).toBe(true);
    const moderatorClient = new TestClient(fair.server.baseUrl);
    await moderatorClient.login('moderator@fair.test');
    const csv = (await moderatorClient.get(`/api/moderation/audit?format=csv&since=${since}`)).body as unknown as string;
    for (const delimiter of [',', ';'] as const) {
      const cells = readAsSpreadsheet(csv, delimiter).flat();
      for (const cell of cells) expect(cell, `${delimiter} ${JSON.stringify(cell)}`).not.toMatch(LIVE_FORMULA_CELL);
    }
    expect(readAsSpreadsheet(csv, ',').flat()).toContain(hostileName);
  });

  it('records every moderation and host action, and the CSV holds them all', async () => {
    const boothId = fair.boothIds.unmute!;
    const since = encodeURIComponent(new Date(fair.server.clock.now()).toISOString());
    const target = await createUser(fair.server.db, { email: 'audited@fair.test', displayName: 'Audited, "Member"', role: 'member' });
    const author = await join('audited@fair.test', 'unmute');
    const moderator = await join('moderator@fair.test', 'unmute');
    const reporter = await join('member@fair.test', 'unmute');
    const admin = await connect('admin@fair.test');
    const post = async (body: string) => {
      const ack = await request(author.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });
      if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
      return ack.data;
    };
    const ok = async (socket: ClientSocket, command: string, payload: unknown) => {
      const ack = await rawRequest(socket, command, payload);
      if (!ack.ok) throw new Error(`${command} failed: ${ack.error.code}`);
    };
    const doomed = await post('=HYPERLINK("http://evil")');
    const pinned = await post('pin me');
    const reported = await post('report me');
    const report = await request(reporter.socket, 'report:create', { messageId: reported.id, reason: 'spam' });
    if (!report.ok) throw new Error('report failed');

    const actions: [ClientSocket, string, unknown][] = [
      [moderator.socket, 'chat:delete', { messageId: doomed.id, reason: 'Formula, "quoted", and\nnewline' }],
      [moderator.socket, 'chat:pin', { boothId, messageId: pinned.id }],
      [moderator.socket, 'moderation:mute', { userId: target, boothId, minutes: 10, reason: '=1+1 (a formula must stay text)' }],
      [moderator.socket, 'moderation:unmute', { userId: target, boothId }],
      [moderator.socket, 'moderation:kick', { userId: target, boothId, reason: 'kick reason' }],
      [moderator.socket, 'moderation:ban', { userId: target, minutes: 30, reason: 'ban reason' }],
      [moderator.socket, 'moderation:unban', { userId: target, reason: 'unban reason' }],
      [moderator.socket, 'booth:update', { boothId, slowModeSeconds: 5 }],
      [admin.socket, 'booth:edit', { boothId, tags: ['advocacy'] }],
      [admin.socket, 'schedule:add', { boothId, session: { title: 'Audit hour', startsAt: hoursFromNow(1), endsAt: hoursFromNow(2), language: 'fr' } }],
      [moderator.socket, 'report:resolve', { reportId: report.data.reportId, outcome: 'dismissed', note: 'Not spam.' }],
      [moderator.socket, 'announcement:create', { text: 'Audited announcement', boothId }],
    ];
    for (const [socket, command, payload] of actions) await ok(socket, command, payload);
    const adminClient = new TestClient(fair.server.baseUrl);
    await adminClient.login('admin@fair.test');
    const sessionId = ((await adminClient.get('/api/booths/unmute')).body as unknown as Booth).sessions[0]!.id;
    await ok(admin.socket, 'schedule:remove', { boothId, sessionId });

    const moderatorClient = new TestClient(fair.server.baseUrl);
    await moderatorClient.login('moderator@fair.test');
    const csv = await moderatorClient.get(`/api/moderation/audit?format=csv&since=${since}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('audit-log.csv');
    const text = (csv.body as unknown as string);
    const expectedActions = [...actions.map(([, command]) => command), 'schedule:remove'];
    for (const action of expectedActions) expect(text, action).toContain(`,"${action}",`);
    // One line per action (plus the header), quoted where needed.
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(expectedActions.length + 1);
    expect(text).toContain('"Formula, ""quoted"", and\nnewline"');
    expect(text).toContain('"Audited, ""Member"""');
    expect(text).toContain(`,"'=1+1 (a formula must stay text)",`);

    const json = await moderatorClient.get(`/api/moderation/audit?boothId=${boothId}&action=moderation:kick`);
    const [kick] = json.body.entries as AuditEntry[];
    expect(json.body.entries).toHaveLength(1);
    expect(kick).toMatchObject({ action: 'moderation:kick', actor: { displayName: 'Kofi' }, target: { id: target }, boothId, reason: 'kick reason' });
    expect(Date.parse(kick!.expiresAt!)).toBeGreaterThan(Date.parse(kick!.createdAt));

    const page1 = await moderatorClient.get(`/api/moderation/audit?since=${since}&limit=5`);
    const page2 = await moderatorClient.get(`/api/moderation/audit?since=${since}&limit=5&beforeId=${String(page1.body.nextBeforeId)}`);
    const ids = [...(page1.body.entries as AuditEntry[]), ...(page2.body.entries as AuditEntry[])].map((e) => e.id);
    expect(new Set(ids).size).toBe(10);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const bad = await moderatorClient.get('/api/moderation/audit?limit=100000');
    expect(bad.body.error?.code).toBe('INVALID_PAYLOAD');
  });
});
