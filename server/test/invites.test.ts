import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClient, type TestServer } from './harness.js';

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = new TestClient(server.baseUrl);
  await admin.login('admin@fair.test');
});
afterAll(async () => {
  await server.close();
});

interface InviteJson {
  email: string;
  role: string;
  boothSlug: string | null;
  link: string;
  expiresAt: string;
}

function codeOf(invite: InviteJson): string {
  return invite.link.split('/invite/')[1]!;
}

async function invite(body: Record<string, unknown>): Promise<InviteJson> {
  const res = await admin.post('/api/admin/invites', body);
  expect(res.status).toBe(201);
  return res.body.invite as InviteJson;
}

describe('POST /api/admin/invites', () => {
  it('creates a one-time link that turns into a signed-in member account', async () => {
    const created = await invite({ email: 'Nadia@Example.org', role: 'member' });
    expect(created).toMatchObject({ email: 'nadia@example.org', role: 'member', boothSlug: null });
    expect(created.link).toMatch(new RegExp(`^${server.config.publicUrl}/invite/[\\w-]{40,}$`));

    const guest = new TestClient(server.baseUrl);
    const preview = await guest.get(`/api/invites/${codeOf(created)}`);
    expect(preview.body).toMatchObject({ email: 'nadia@example.org', role: 'member' });

    const accepted = await guest.post('/api/auth/accept-invite', { code: codeOf(created), displayName: 'Nadia', password: 'a-long-password' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email: 'nadia@example.org', displayName: 'Nadia', role: 'member' });
    expect((await guest.get('/api/me')).status).toBe(200);

    const again = new TestClient(server.baseUrl);
    const login = await again.post('/api/auth/login', { email: 'nadia@example.org', password: 'a-long-password' });
    expect(login.status).toBe(200);
  });

  it('refuses a reused invite with INVITE_INVALID', async () => {
    const created = await invite({ email: 'once@example.org', role: 'member' });
    const first = await new TestClient(server.baseUrl).post('/api/auth/accept-invite', {
      code: codeOf(created),
      displayName: 'Once',
      password: 'a-long-password',
    });
    expect(first.status).toBe(201);
    const second = await new TestClient(server.baseUrl).post('/api/auth/accept-invite', {
      code: codeOf(created),
      displayName: 'Twice',
      password: 'another-password',
    });
    expect(second.status).toBe(410);
    expect(second.body.error?.code).toBe('INVITE_INVALID');
  });

  it('refuses an expired invite with INVITE_INVALID', async () => {
    const created = await invite({ email: 'late@example.org', role: 'member' });
    server.clock.advance(server.config.inviteTtlMs + 60_000);
    const res = await new TestClient(server.baseUrl).post('/api/auth/accept-invite', {
      code: codeOf(created),
      displayName: 'Late',
      password: 'a-long-password',
    });
    expect(res.status).toBe(410);
    expect(res.body.error?.code).toBe('INVITE_INVALID');
    expect((await new TestClient(server.baseUrl).get(`/api/invites/${codeOf(created)}`)).status).toBe(410);
  });

  it('makes a host of the named booth', async () => {
    const created = await invite({ email: 'staff@example.org', role: 'host', boothSlug: 'kujalink' });
    const guest = new TestClient(server.baseUrl);
    const res = await guest.post('/api/auth/accept-invite', { code: codeOf(created), displayName: 'Staff', password: 'a-long-password' });
    const booth = await guest.get('/api/booths/kujalink');
    expect(res.body.user).toMatchObject({ role: 'host', hostedBoothIds: [booth.body.id] });
  });

  it('validates the body and names the field at fault', async () => {
    const noBooth = await admin.post('/api/admin/invites', { email: 'h@example.org', role: 'host' });
    expect(noBooth.status).toBe(400);
    expect(noBooth.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'boothSlug' } });
    const badRole = await admin.post('/api/admin/invites', { email: 'h@example.org', role: 'superuser' });
    expect(badRole.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'role' } });
    const extra = await admin.post('/api/admin/invites', { email: 'h@example.org', role: 'member', isAdmin: true });
    expect(extra.body.error?.code).toBe('INVALID_PAYLOAD');
    const unknownBooth = await admin.post('/api/admin/invites', { email: 'h@example.org', role: 'host', boothSlug: 'atlantis' });
    expect(unknownBooth.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'boothSlug' } });
    const taken = await admin.post('/api/admin/invites', { email: 'member@fair.test', role: 'member' });
    expect(taken.status).toBe(409);
  });

  it('refuses a weak password or a blank display name on accept', async () => {
    const created = await invite({ email: 'weak@example.org', role: 'member' });
    const weak = await new TestClient(server.baseUrl).post('/api/auth/accept-invite', { code: codeOf(created), displayName: 'Weak', password: 'short' });
    expect(weak.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'password' } });
    const blank = await new TestClient(server.baseUrl).post('/api/auth/accept-invite', {
      code: codeOf(created),
      displayName: '   ',
      password: 'a-long-password',
    });
    expect(blank.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'displayName' } });
  });
});

describe('POST /api/admin/invites/import', () => {
  it('creates one invite per roster row', async () => {
    const csv = [
      'email,display_name,role,booth_slug',
      'ana@example.org,Ana,member,',
      '"bo@example.org","Bo, from Lima",host,peace-direct',
      'cy@example.org,,moderator,',
    ].join('\r\n');
    const res = await admin.post('/api/admin/invites/import', csv, 'text/csv');
    expect(res.status).toBe(201);
    const invites = res.body.invites as (InviteJson & { displayName: string | null })[];
    expect(invites.map((i) => [i.email, i.role, i.boothSlug, i.displayName])).toEqual([
      ['ana@example.org', 'member', null, 'Ana'],
      ['bo@example.org', 'host', 'peace-direct', 'Bo, from Lima'],
      ['cy@example.org', 'moderator', null, null],
    ]);
    expect(new Set(invites.map((i) => i.link)).size).toBe(3);
  });

  it('reports every malformed row by its line and creates nothing', async () => {
    const csv = [
      'email,display_name,role,booth_slug',
      'good@example.org,Good,member,',
      'not-an-email,Bad,member,',
      'x@example.org,X,wizard,',
      'y@example.org,Y,host,',
      'z@example.org,Z,member',
    ].join('\n');
    const res = await admin.post('/api/admin/invites/import', csv, 'text/csv');
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('INVALID_PAYLOAD');
    expect(res.body.error?.message).toMatch(/^line 3, email:/);
    const lines = (res.body.error?.details as { lines: { line: number; field: string }[] }).lines;
    expect(lines.map((l) => [l.line, l.field])).toEqual([
      [3, 'email'],
      [4, 'role'],
      [5, 'booth_slug'],
      [6, 'row'],
    ]);
    const retry = await admin.post('/api/admin/invites', { email: 'good@example.org', role: 'member' });
    expect(retry.status).toBe(201);
  });

  it('refuses a roster with the wrong header', async () => {
    const res = await admin.post('/api/admin/invites/import', 'mail,name\nx@example.org,X', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^line 1:/);
  });
});

describe('POST /api/admin/invites/import?dryRun=1 (the preview)', () => {
  // As Excel in a Spanish locale saves it: byte-order mark, semicolons, Spanish headers and
  // roles, CRLF, a quoted name holding the separator, and one bad row.
  const spanishRoster = [
    '\uFEFFCorreo electrónico;Nombre;Rol;Stand;Idioma;Notas',
    'lucia@example.org;Lucía, de Quito;Miembro;;es;primera vez',
    '"marc@example.org";"Marc; Lyon";Anfitrión;peace-direct;Français;',
    'no-es-un-correo;Pat;miembro;;;',
    'ana@example.org;Ana;hechicera;;;',
  ].join('\r\n');

  it('shows every row with what will happen or what is wrong, by line, and writes nothing', async () => {
    const res = await admin.post('/api/admin/invites/import?dryRun=1', spanishRoster, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: 2, invalid: 2, ignoredColumns: ['Notas'] });
    const rows = res.body.rows as { line: number; email: string; displayName: string | null; role: string; boothSlug: string | null; locale: string | null; problems: { field: string; code: string }[] }[];
    expect(rows.map((r) => [r.line, r.email, r.displayName, r.role, r.boothSlug, r.locale, r.problems.map((p) => p.field)])).toEqual([
      [2, 'lucia@example.org', 'Lucía, de Quito', 'member', null, 'es', []],
      [3, 'marc@example.org', 'Marc; Lyon', 'host', 'peace-direct', 'fr', []],
      [4, 'no-es-un-correo', 'Pat', 'member', null, null, ['email']],
      [5, 'ana@example.org', 'Ana', 'hechicera', null, null, ['role']],
    ]);
    // Each problem has a code, so the console says it in the organiser's language.
    expect(rows.flatMap((r) => r.problems.map((p) => p.code))).toEqual(['emailInvalid', 'roleUnknown']);
    // Nothing was written: the same roster, mended, imports every row.
    const mended = spanishRoster.replace('no-es-un-correo', 'pat@example.org').replace('hechicera', 'moderadora');
    const imported = await admin.post('/api/admin/invites/import', mended, 'text/csv');
    expect(imported.status).toBe(201);
    expect((imported.body.invites as InviteJson[]).map((i) => [i.email, i.role, i.boothSlug])).toEqual([
      ['lucia@example.org', 'member', null],
      ['marc@example.org', 'host', 'peace-direct'],
      ['pat@example.org', 'member', null],
      ['ana@example.org', 'moderator', null],
    ]);
  });

  it('reads French headers in any order, and names a row that repeats an email or has too few cells', async () => {
    const roster = ['Rôle,Courriel,Nom,Langue', 'membre,zoe@example.org,Zoé,fr', 'hôte,yan@example.org,Yan,en', 'membre,zoe@example.org,Zoé bis,fr', 'membre,xu@example.org'].join('\n');
    const res = await admin.post('/api/admin/invites/import?dryRun=1', roster, 'text/csv');
    expect(res.status).toBe(200);
    const rows = res.body.rows as { line: number; role: string; problems: { field: string; message: string }[] }[];
    expect(rows.map((r) => [r.line, r.role, r.problems.map((p) => p.field)])).toEqual([
      [2, 'member', []],
      [3, 'host', ['booth_slug']],
      [4, 'member', ['email']],
      [5, 'membre', ['row']],
    ]);
    expect(rows[2]!.problems[0]!.message).toMatch(/twice/);
    expect(rows.flatMap((r) => r.problems.map((p) => (p as { code?: string }).code))).toEqual(['boothMissing', 'emailTwice', 'columns']);
  });

  it('refuses, by line 1, a header without the email or role column', async () => {
    const res = await admin.post('/api/admin/invites/import?dryRun=1', 'nombre;idioma\nLuz;es', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { lines: [{ line: 1, field: 'header' }] } });
    expect(res.body.error?.message).toMatch(/email and role/);
  });
});

describe('admin endpoints', () => {
  it.each(['member@fair.test', 'host@fair.test', 'moderator@fair.test'])('answer 403 FORBIDDEN to %s', async (email) => {
    const client = new TestClient(server.baseUrl);
    await client.login(email);
    const single = await client.post('/api/admin/invites', { email: 'x@example.org', role: 'member' });
    expect(single.status).toBe(403);
    expect(single.body.error?.code).toBe('FORBIDDEN');
    const roster = await client.post('/api/admin/invites/import', 'email,display_name,role,booth_slug\nq@example.org,Q,admin,', 'text/csv');
    expect(roster.status).toBe(403);
    const preview = await client.post('/api/admin/invites/import?dryRun=1', 'email,role\nq@example.org,admin', 'text/csv');
    expect(preview.status).toBe(403);
  });

  it('answer 401 without a session', async () => {
    const res = await new TestClient(server.baseUrl).post('/api/admin/invites', { email: 'x@example.org', role: 'member' });
    expect(res.status).toBe(401);
  });
});
