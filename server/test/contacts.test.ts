import { describe, expect, it } from 'vitest';
import type { ContactRequestView, ContactSummary } from '../../shared/contacts.js';
import type { InboxPage } from '../../shared/inbox.js';
import type { AccountExport } from '../../shared/privacy.js';
import { createUser, TestClient } from './harness.js';
import { useSocketFair } from './fair.js';
import { collect, nextEvent, request, sleep } from './sockets.js';

const fair = useSocketFair();
const { join, connect } = fair;

let accounts = 0;
/** A new account (members by default); hosts host the booth given. */
async function newAccount(name: string, options: { role?: 'member' | 'host'; hosts?: string; organisation?: string } = {}) {
  accounts += 1;
  const email = `${name.toLowerCase()}.contact${accounts}@fair.test`;
  const displayName = `${name} ${accounts}`;
  const id = await createUser(fair.server.db, {
    email,
    displayName,
    role: options.role ?? 'member',
    ...(options.hosts ? { hostsBoothId: fair.boothIds[options.hosts]! } : {}),
  });
  if (options.organisation) await fair.server.sql('UPDATE users SET organisation = ? WHERE id = ?', [options.organisation, id]);
  return { email, id, displayName };
}

async function signedIn(email: string): Promise<TestClient> {
  const client = new TestClient(fair.server.baseUrl);
  await client.login(email);
  return client;
}

/** Parses the CSV the export sends (every field quoted, CRLF lines). */
function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trim().split('\r\n').map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"')));
  const [header, ...rows] = lines;
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}

describe('contact requests: live to every host, first accept wins', () => {
  it('shows a request live to two hosts; one accepts, the other sees it taken and is refused', async () => {
    const ana = await newAccount('Ana', { role: 'host', hosts: 'kujalink' });
    const ben = await newAccount('Ben', { role: 'host', hosts: 'kujalink' });
    const visitor = await newAccount('Visitor', { organisation: 'Water Watch' });
    const anaSocket = await connect(ana.email);
    const benSocket = await connect(ben.email);
    const member = await join(visitor.email, 'kujalink');
    const boothId = fair.boothIds.kujalink!;

    const seenByAna = nextEvent(anaSocket.socket, 'contact:requested');
    const seenByBen = nextEvent(benSocket.socket, 'contact:requested');
    const sent = await request(member.socket, 'contact:request', { boothId, message: '  Could we talk about water funding?  ', share: ['name', 'organisation'] });
    expect(sent.ok).toBe(true);
    const requestId = sent.ok ? sent.data.requestId : 0;
    for (const seen of [await seenByAna, await seenByBen]) {
      expect(seen).toMatchObject({ id: requestId, boothId, status: 'open', message: 'Could we talk about water funding?', share: ['name', 'organisation'] });
      // Exactly what the member agreed to: the organisation, never the email.
      expect(seen.member).toEqual({ id: visitor.id, displayName: visitor.displayName, organisation: 'Water Watch' });
    }

    const takenForBen = nextEvent(benSocket.socket, 'contact:updated', (view) => view.id === requestId);
    const memberConversation = nextEvent(member.socket, 'conversation:created');
    const anaConversation = nextEvent(anaSocket.socket, 'conversation:created');
    const memberNotice = nextEvent(member.socket, 'inbox:notice', (notice) => notice.kind === 'contact_answered');
    const accepted = await request(anaSocket.socket, 'contact:answer', { requestId, answer: 'accept' });
    expect(accepted.ok).toBe(true);
    const conversationId = accepted.ok ? accepted.data.conversationId : undefined;
    expect(conversationId).toBeGreaterThan(0);

    const taken = await takenForBen;
    expect(taken).toMatchObject({ status: 'accepted', answeredBy: { id: ana.id, displayName: ana.displayName } });
    // The conversation is named only to the two people in it.
    expect(taken.conversationId).toBeNull();
    for (const conversation of [await memberConversation, await anaConversation]) {
      expect(conversation).toMatchObject({ id: conversationId, boothId, requestId, member: { id: visitor.id }, staff: { id: ana.id, displayName: ana.displayName }, lastSeq: 0 });
    }
    expect((await memberNotice).payload).toMatchObject({ answer: 'accept', conversationId, boothName: 'KujaLink' });

    // Ben was a moment too late: a clear CONFLICT naming who answered, and nothing changed.
    const late = await request(benSocket.socket, 'contact:answer', { requestId, answer: 'decline', note: 'Sorry, not now.' });
    expect(late.ok).toBe(false);
    if (!late.ok) expect(late.error).toMatchObject({ code: 'CONFLICT', details: { status: 'accepted', answeredBy: ana.displayName } });
    const rows = await fair.server.sql<{ status: string; answered_by: string }>('SELECT status, answered_by FROM contact_requests WHERE id = ?', [requestId]);
    expect(rows).toEqual([{ status: 'accepted', answered_by: ana.id }]);
    expect(await fair.server.sql('SELECT member_id, staff_id, last_seq FROM conversations WHERE request_id = ?', [requestId])).toEqual([{ member_id: visitor.id, staff_id: ana.id, last_seq: 0 }]);
  });

  it('lets exactly one of two simultaneous accepts win', async () => {
    const ana = await newAccount('Ana', { role: 'host', hosts: 'kujalink' });
    const ben = await newAccount('Ben', { role: 'host', hosts: 'kujalink' });
    const visitor = await newAccount('Visitor');
    const [anaSocket, benSocket, member] = await Promise.all([connect(ana.email), connect(ben.email), join(visitor.email, 'kujalink')]);
    const sent = await request(member.socket, 'contact:request', { boothId: fair.boothIds.kujalink!, message: 'Hello', share: [] });
    if (!sent.ok) throw new Error(sent.error.code);
    const answers = await Promise.all([anaSocket, benSocket].map((s) => request(s.socket, 'contact:answer', { requestId: sent.data.requestId, answer: 'accept' })));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toEqual(['CONFLICT']);
    expect(await fair.server.sql('SELECT id FROM conversations WHERE request_id = ?', [sent.data.requestId])).toHaveLength(1);
  });

  it('keeps one open request per member per booth, and says which one is open', async () => {
    const visitor = await newAccount('Visitor');
    const member = await join(visitor.email, 'kujalink');
    const boothId = fair.boothIds.kujalink!;
    const first = await request(member.socket, 'contact:request', { boothId, message: 'First', share: ['name'] });
    if (!first.ok) throw new Error(first.error.code);
    const second = await request(member.socket, 'contact:request', { boothId, message: 'Second', share: ['name', 'email'] });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error).toMatchObject({ code: 'CONFLICT', details: { requestId: first.data.requestId } });
    // Bad input gets a clear error naming the field.
    const empty = await request(member.socket, 'contact:request', { boothId, message: '   ', share: [] });
    if (!empty.ok) expect(empty.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'message' } });
    else throw new Error('an empty message was accepted');
    const long = await request(member.socket, 'contact:request', { boothId, message: 'x'.repeat(501), share: [] });
    expect(!long.ok && long.error.code).toBe('INVALID_PAYLOAD');
    const twice = await request(member.socket, 'contact:request', { boothId, message: 'Hi', share: ['email', 'email'] });
    expect(!twice.ok && twice.error.code).toBe('INVALID_PAYLOAD');
    // Not in the booth: ask from inside it.
    const elsewhere = await request(member.socket, 'contact:request', { boothId: fair.boothIds['peace-direct']!, message: 'Hi', share: [] });
    expect(!elsewhere.ok && elsewhere.error.code).toBe('NOT_IN_BOOTH');
  });

  it('rate-limits requests: the sixth in ten minutes waits', async () => {
    const visitor = await newAccount('Busy');
    const slugs = ['kujalink', 'peace-direct', 'fair-share', 'unmute', 'connect-humanity', 'end-water-poverty'];
    const results = [];
    for (const slug of slugs) {
      const { socket } = await join(visitor.email, slug);
      results.push(await request(socket, 'contact:request', { boothId: fair.boothIds[slug]!, message: 'Hi', share: [] }));
    }
    expect(results.slice(0, 5).every((r) => r.ok)).toBe(true);
    const last = results[5]!;
    expect(!last.ok && last.error.code).toBe('RATE_LIMITED');
    expect(!last.ok && last.error.details?.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('contact requests: authorization', () => {
  it('refuses a member and a host of another booth, who cannot see the booth’s requests either', async () => {
    const visitor = await newAccount('Visitor');
    const bystander = await newAccount('Bystander');
    const otherHost = await newAccount('Other', { role: 'host', hosts: 'peace-direct' });
    const member = await join(visitor.email, 'unmute');
    const otherHostSocket = await connect(otherHost.email);
    const bystanderSocket = await connect(bystander.email);
    const heardByOtherHost = collect(otherHostSocket.socket, 'contact:requested');
    const sent = await request(member.socket, 'contact:request', { boothId: fair.boothIds.unmute!, message: 'Please call', share: ['email'] });
    if (!sent.ok) throw new Error(sent.error.code);
    for (const socket of [member.socket, bystanderSocket.socket, otherHostSocket.socket]) {
      const answer = await request(socket, 'contact:answer', { requestId: sent.data.requestId, answer: 'accept' });
      expect(!answer.ok && answer.error.code).toBe('FORBIDDEN');
    }
    const otherClient = await signedIn(otherHost.email);
    expect((await otherClient.get('/api/booths/unmute/contacts')).status).toBe(403);
    expect((await otherClient.get('/api/booths/unmute/contacts.csv')).status).toBe(403);
    expect((await member.client.get('/api/booths/unmute/contacts')).status).toBe(403);
    await sleep(100);
    expect(heardByOtherHost).toEqual([]);
    // A moderator may answer any booth's request (booth:staff); an unknown request is NOT_FOUND.
    const moderator = await connect('moderator@fair.test');
    const unknown = await request(moderator.socket, 'contact:answer', { requestId: 999_999, answer: 'accept' });
    expect(!unknown.ok && unknown.error.code).toBe('NOT_FOUND');
    const bad = await request(moderator.socket, 'contact:answer', { requestId: sent.data.requestId, answer: 'decline' });
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'note' } });
    else throw new Error('a decline without a note was accepted');
  });
});

describe('contact requests: consent in the CSV export', () => {
  it('exports exactly what each member agreed to share, and audits the export', async () => {
    const host = await newAccount('Host', { role: 'host', hosts: 'fair-share' });
    const hostSocket = await connect(host.email);
    const boothId = fair.boothIds['fair-share']!;
    const people = [
      { ...(await newAccount('Nameonly', { organisation: 'Secret Org' })), share: [] as ('organisation' | 'email')[] },
      { ...(await newAccount('Withorg', { organisation: 'Open Org' })), share: ['organisation' as const] },
      { ...(await newAccount('Withmail', { organisation: 'Hidden Org' })), share: ['email' as const] },
    ];
    for (const person of people) {
      const { socket } = await join(person.email, 'fair-share');
      const sent = await request(socket, 'contact:request', { boothId, message: `=HYPERLINK("x") from ${person.displayName}`, share: ['name', ...person.share] });
      if (!sent.ok) throw new Error(sent.error.code);
      const answer = await request(hostSocket.socket, 'contact:answer', { requestId: sent.data.requestId, answer: 'accept' });
      expect(answer.ok).toBe(true);
    }
    // One more, still open: not a contact yet, so not exported.
    const pending = await newAccount('Pending', { organisation: 'Pending Org' });
    const pendingSocket = await join(pending.email, 'fair-share');
    await request(pendingSocket.socket, 'contact:request', { boothId, message: 'Later', share: ['organisation', 'email'] });

    const client = await signedIn(host.email);
    const res = await client.get('/api/booths/fair-share/contacts.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(res.body as unknown as string);
    expect(rows.map(({ name, organisation, email, answer }) => ({ name, organisation, email, answer }))).toEqual([
      { name: people[0]!.displayName, organisation: '', email: '', answer: 'accepted' },
      { name: people[1]!.displayName, organisation: 'Open Org', email: '', answer: 'accepted' },
      { name: people[2]!.displayName, organisation: '', email: people[2]!.email, answer: 'accepted' },
    ]);
    const text = res.body as unknown as string;
    for (const hidden of ['Secret Org', 'Hidden Org', people[0]!.email, people[1]!.email, 'Pending']) expect(text).not.toContain(hidden);
    // A member's text never runs as a spreadsheet formula.
    expect(rows[0]!.message!.startsWith("'=")).toBe(true);

    // The staff list holds the same consent: no hidden field in the JSON either.
    const list = (await client.get('/api/booths/fair-share/contacts')).body.requests as ContactRequestView[];
    expect(list.find((r) => r.member.id === pending.id)).toMatchObject({ status: 'open', member: { organisation: 'Pending Org', email: pending.email } });
    // Open requests come first, oldest first.
    expect(list.findIndex((r) => r.status !== 'open')).toBeGreaterThan(list.findIndex((r) => r.member.id === pending.id));
    expect(list.find((r) => r.member.id === people[0]!.id)!.member).toEqual({ id: people[0]!.id, displayName: people[0]!.displayName });

    const audit = await signedIn('admin@fair.test');
    const { entries } = (await audit.get(`/api/moderation/audit?action=contact:export&actorId=${host.id}`)).body as unknown as { entries: { action: string; boothId: number; details: { contacts: number } }[] };
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'contact:export', boothId, details: { contacts: 3 } });
  });
});

describe('contact requests: the member is told in their inbox', () => {
  it('reaches a member who was offline with a decline note and a "we will email you"', async () => {
    const host = await newAccount('Host', { role: 'host', hosts: 'connect-humanity' });
    const boothId = fair.boothIds['connect-humanity']!;
    const first = await newAccount('Offline');
    const second = await newAccount('Away');
    const ids: number[] = [];
    for (const person of [first, second]) {
      const session = await join(person.email, 'connect-humanity');
      const sent = await request(session.socket, 'contact:request', { boothId, message: 'Can we meet?', share: ['email'] });
      if (!sent.ok) throw new Error(sent.error.code);
      ids.push(sent.data.requestId);
      session.socket.disconnect();
    }
    const hostSocket = await connect(host.email);
    const declined = await request(hostSocket.socket, 'contact:answer', { requestId: ids[0]!, answer: 'decline', note: 'We only work in Asia.' });
    const emailed = await request(hostSocket.socket, 'contact:answer', { requestId: ids[1]!, answer: 'email' });
    expect(declined.ok && emailed.ok).toBe(true);
    if (declined.ok) expect(declined.data).toEqual({ requestId: ids[0], status: 'declined' });

    const firstClient = await signedIn(first.email);
    const inbox = (await firstClient.get('/api/inbox')).body as unknown as InboxPage;
    expect(inbox.notices[0]).toMatchObject({ kind: 'contact_answered', read: false, payload: { answer: 'decline', note: 'We only work in Asia.', boothName: 'Connect Humanity', by: host.displayName } });
    const mine = (await firstClient.get('/api/contacts/mine')).body.requests as ContactRequestView[];
    expect(mine[0]).toMatchObject({ id: ids[0], status: 'declined', note: 'We only work in Asia.', conversationId: null });
    const secondInbox = (await (await signedIn(second.email)).get('/api/inbox')).body as unknown as InboxPage;
    expect(secondInbox.notices[0]).toMatchObject({ kind: 'contact_answered', payload: { answer: 'email', note: null } });
    // A member may ask the same booth again once answered.
    const again = await join(first.email, 'connect-humanity');
    expect((await request(again.socket, 'contact:request', { boothId, message: 'Another idea', share: [] })).ok).toBe(true);
    // The account export holds the member's own requests.
    const exported = (await firstClient.get('/api/me/export')).body as unknown as AccountExport;
    expect(exported.contactRequests.map((r) => r.status)).toEqual(['declined', 'open']);
  });

  it('counts open requests for hosts in the summary, live', async () => {
    const host = await newAccount('Counter', { role: 'host', hosts: 'end-water-poverty' });
    const client = await signedIn(host.email);
    const before = (await client.get('/api/contacts/summary')).body as unknown as ContactSummary;
    const visitor = await newAccount('Visitor');
    const member = await join(visitor.email, 'end-water-poverty');
    await request(member.socket, 'contact:request', { boothId: fair.boothIds['end-water-poverty']!, message: 'Hi', share: [] });
    const after = (await client.get('/api/contacts/summary')).body as unknown as ContactSummary;
    expect(after.open).toBe(before.open + 1);
    expect(after.booths).toEqual([{ boothId: fair.boothIds['end-water-poverty'], slug: 'end-water-poverty', open: after.open }]);
    const memberSummary = (await member.client.get('/api/contacts/summary')).body as unknown as ContactSummary;
    expect(memberSummary).toEqual({ open: 0, booths: [] });
  });
});

describe('contact requests: erasure', () => {
  it('takes a deleted member’s requests out of the staff list and the CSV', async () => {
    const host = await newAccount('Host', { role: 'host', hosts: 'youth-action-team' });
    const leaver = await newAccount('Leaver', { organisation: 'Gone Org' });
    const member = await join(leaver.email, 'youth-action-team');
    const sent = await request(member.socket, 'contact:request', { boothId: fair.boothIds['youth-action-team']!, message: 'Hello', share: ['organisation', 'email'] });
    if (!sent.ok) throw new Error(sent.error.code);
    const hostSocket = await connect(host.email);
    expect((await request(hostSocket.socket, 'contact:answer', { requestId: sent.data.requestId, answer: 'accept' })).ok).toBe(true);
    expect((await member.client.request('DELETE', '/api/me', { password: 'fair-demo' })).status).toBeLessThan(300);
    const hostClient = await signedIn(host.email);
    expect((await hostClient.get('/api/booths/youth-action-team/contacts')).body.requests).toEqual([]);
    const csv = (await hostClient.get('/api/booths/youth-action-team/contacts.csv')).body as unknown as string;
    expect(parseCsv(csv)).toEqual([]);
    expect(csv).not.toContain('Gone Org');
  });
});

describe('the member organisation', () => {
  it('is set by the member, trimmed, cleared with an empty value, and refused when too long', async () => {
    const person = await newAccount('Org');
    const client = await signedIn(person.email);
    expect((await client.get('/api/me/organisation')).body).toEqual({ organisation: null });
    expect((await client.request('PUT', '/api/me/organisation', { organisation: '  Water   Watch ' })).body).toEqual({ organisation: 'Water Watch' });
    expect((await client.get('/api/me/organisation')).body).toEqual({ organisation: 'Water Watch' });
    const tooLong = await client.request('PUT', '/api/me/organisation', { organisation: 'x'.repeat(121) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'organisation' } });
    expect((await client.request('PUT', '/api/me/organisation', { organisation: '' })).body).toEqual({ organisation: null });
    expect((await new TestClient(fair.server.baseUrl).get('/api/me/organisation')).status).toBe(401);
  });

  it('is seen and changed by organisers in the people console, audited', async () => {
    const person = await newAccount('Listed', { organisation: 'Roster Org' });
    const admin = await signedIn('admin@fair.test');
    const listed = (await admin.get('/api/admin/people')).body.people as { id: string; organisation: string | null }[];
    expect(listed.find((p) => p.id === person.id)?.organisation).toBe('Roster Org');
    const changed = await admin.request('PATCH', `/api/admin/people/${person.id}`, { organisation: ' New Org ' });
    expect(changed.status).toBe(200);
    expect((changed.body.person as { organisation: string }).organisation).toBe('New Org');
    const { entries } = (await admin.get(`/api/moderation/audit?action=people:organisation&targetId=${person.id}`)).body as unknown as { entries: { details: unknown }[] };
    expect(entries.map((e) => e.details)).toEqual([{ organisation: { from: 'Roster Org', to: 'New Org' } }]);
    // The roster's optional organisation column reaches the account when the invitation is accepted.
    const roster = ['email,display_name,role,organización', 'roster.org@example.org,Rosa,member,Agua Viva'].join('\r\n');
    const imported = await admin.post('/api/admin/invites/import', roster, 'text/csv');
    expect(imported.status).toBe(201);
    const link = (imported.body.invites as { link: string }[])[0]!.link;
    const guest = new TestClient(fair.server.baseUrl);
    const joined = await guest.post('/api/auth/accept-invite', { code: link.split('/invite/')[1], displayName: 'Rosa', password: 'a-long-password' });
    expect(joined.status).toBeLessThan(300);
    expect((await guest.get('/api/me/organisation')).body).toEqual({ organisation: 'Agua Viva' });
    // Members cannot.
    const member = await signedIn(person.email);
    expect((await member.request('PATCH', `/api/admin/people/${person.id}`, { organisation: 'Mine' })).status).toBe(403);
  });
});

// Last: it ends the fair.
describe('contact requests: when the fair ends', () => {
  it('closes open requests with an inbox notice, once, and refuses new ones and late answers', async () => {
    const host = await newAccount('Host', { role: 'host', hosts: 'unmute' });
    const visitor = await newAccount('Late');
    const member = await join(visitor.email, 'unmute');
    const boothId = fair.boothIds.unmute!;
    const sent = await request(member.socket, 'contact:request', { boothId, message: 'Still there?', share: [] });
    if (!sent.ok) throw new Error(sent.error.code);
    const admin = await signedIn('admin@fair.test');
    const now = fair.server.clock.now();
    const settings = (await admin.get('/api/fair')).body;
    const saved = await admin.request('PUT', '/api/admin/fair', { ...settings, startsAt: new Date(now - 3_600_000).toISOString(), endsAt: new Date(now + 60_000).toISOString() });
    expect(saved.status).toBe(200);
    // Nothing happens before the end: open requests never silently become "missed".
    const hostClient = await signedIn(host.email);
    const before = (await hostClient.get('/api/booths/unmute/contacts')).body.requests as ContactRequestView[];
    expect(before.find((r) => r.id === sent.data.requestId)).toMatchObject({ status: 'open' });

    fair.server.clock.advance(120_000);
    const notice = nextEvent(member.socket, 'inbox:notice', (n) => n.kind === 'contact_closed');
    // Two readers at once (as two nodes' sweeps would be): the request is closed once, one notice.
    await Promise.all([hostClient.get('/api/booths/unmute/contacts'), member.client.get('/api/contacts/mine')]);
    expect((await notice).payload).toMatchObject({ requestId: sent.data.requestId, boothName: '#UNMute campaign' });
    const notices = await fair.server.sql('SELECT id FROM inbox_notices WHERE user_id = ? AND kind = ?', [visitor.id, 'contact_closed']);
    expect(notices).toHaveLength(1);
    const mine = (await member.client.get('/api/contacts/mine')).body.requests as ContactRequestView[];
    expect(mine[0]).toMatchObject({ status: 'closed', answeredBy: null });

    const hostSocket = await connect(host.email);
    const late = await request(hostSocket.socket, 'contact:answer', { requestId: sent.data.requestId, answer: 'accept' });
    expect(!late.ok && late.error).toMatchObject({ code: 'CONFLICT', details: { status: 'closed' } });
    const refused = await request(member.socket, 'contact:request', { boothId, message: 'Again', share: [] });
    expect(!refused.ok && refused.error.code).toBe('CONFLICT');
    await admin.request('PUT', '/api/admin/fair', { ...settings });
  });
});
