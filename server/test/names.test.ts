import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestServer, TestClient, type TestServer } from './harness.js';

/** Names that pass for staff are refused wherever a name is set (issue 10, "anyone can look like staff"). */
let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  await createUser(server.db, { email: 'amara@fair.test', displayName: 'Amara Bello', role: 'host' });
  admin = new TestClient(server.baseUrl);
  await admin.login('admin@fair.test');
});
afterAll(async () => {
  await server.close();
});

async function inviteCode(email: string, role = 'member'): Promise<string> {
  const res = await admin.post('/api/admin/invites', { email, role });
  expect(res.status).toBe(201);
  return (res.body.invite as { link: string }).link.split('/invite/')[1]!;
}

async function accept(code: string, displayName: string) {
  return new TestClient(server.baseUrl).post('/api/auth/accept-invite', { code, displayName, password: 'a-long-password' });
}

describe('display names at invite acceptance', () => {
  it.each([
    ['a Cyrillic look-alike of a host’s name', '\u0410mara Bello', 'staff-lookalike'],
    ['a role word', 'Kofi (moderator)', 'role-word'],
    ['a Spanish role word', 'Kofi (moderador)', 'role-word'],
    ['a French role word with a homoglyph', 'Kofi (m\u043edérateur)', 'role-word'],
    ['a right-to-left override', 'Kofi \u202eroiretni', null],
    ['a zero-width space', 'Ko\u200bfi', null],
  ])('refuses %s with 400 INVALID_PAYLOAD on displayName, and the invite stays usable', async (_label, name, reason) => {
    const code = await inviteCode(`x${Math.random().toString(36).slice(2)}@example.org`);
    const refused = await accept(code, name);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'displayName' } });
    expect(String(refused.body.error?.message)).toMatch(/^displayName: /);
    if (reason) expect(refused.body.error?.details).toMatchObject({ reason });
    const retry = await accept(code, 'Kofi Mensah');
    expect(retry.status).toBe(201);
  });

  it('stores the NFKC form of the name', async () => {
    const accepted = await accept(await inviteCode('wide@example.org'), 'Ｗｅｉ  Ｌｉｎ');
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ displayName: 'Wei Lin' });
  });

  it('lets staff name themselves with a role word', async () => {
    const accepted = await accept(await inviteCode('mod2@example.org', 'moderator'), 'Ines (moderadora)');
    expect(accepted.status).toBe(201);
  });
});

describe('display names in invites and rosters', () => {
  it('refuses a single invite whose name passes for staff', async () => {
    const res = await admin.post('/api/admin/invites', { email: 'fake@example.org', role: 'member', displayName: 'Support Team' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'displayName' } });
  });

  it('reports look-alike and invisible names in a roster by line, and creates nothing', async () => {
    const csv = [
      'email,display_name,role,booth_slug',
      'fine@example.org,José Nguyễn,member,',
      'fake1@example.org,Аmara Bello,member,',
      'fake2@example.org,Amara (hôte),member,',
      'fake3@example.org,Amara\u200bBello,member,',
    ].join('\r\n');
    const res = await admin.post('/api/admin/invites/import', csv, 'text/csv');
    expect(res.status).toBe(400);
    const lines = (res.body.error?.details as { lines: { line: number; field: string; message: string }[] }).lines;
    expect(lines.map((l) => [l.line, l.field])).toEqual([
      [3, 'display_name'],
      [4, 'display_name'],
      [5, 'display_name'],
    ]);
    expect(lines[0]!.message).toMatch(/looks like the name of a host/);
    expect((await admin.post('/api/admin/invites', { email: 'fine@example.org', role: 'member' })).status).toBe(201);
  });
});

describe('a fair name beside the verified name', () => {
  it('keeps the roster’s name as verified, lets the member change the name others see, and shows both only to organisers', async () => {
    const invited = await admin.post('/api/admin/invites', { email: 'lena@example.org', role: 'member', displayName: 'Lena Verified Okafor' });
    expect(invited.status).toBe(201);
    const code = (invited.body.invite as { link: string }).link.split('/invite/')[1]!;
    const lena = new TestClient(server.baseUrl);
    const accepted = await lena.post('/api/auth/accept-invite', { code, displayName: 'Lena', password: 'a-long-password' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ displayName: 'Lena', verifiedName: 'Lena Verified Okafor' });

    const renamed = await lena.request('PATCH', '/api/me', { displayName: 'Lena O.' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.user).toMatchObject({ displayName: 'Lena O.', verifiedName: 'Lena Verified Okafor' });
    // The same rule as at sign-up: no passing for staff.
    const posing = await lena.request('PATCH', '/api/me', { displayName: 'Amara B\u0435llo' });
    expect(posing.status).toBe(400);
    expect(posing.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'displayName', reason: 'staff-lookalike' } });

    const people = await admin.get('/api/admin/people');
    expect(people.status).toBe(200);
    expect(people.body.people).toContainEqual(expect.objectContaining({ email: 'lena@example.org', displayName: 'Lena O.', verifiedName: 'Lena Verified Okafor' }));
    expect(JSON.stringify(people.body)).not.toMatch(/password/i);

    const member = new TestClient(server.baseUrl);
    await member.login('member@fair.test');
    expect((await member.get('/api/admin/people')).status).toBe(403);
  });
});
