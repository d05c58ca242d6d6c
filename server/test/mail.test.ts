import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite } from '../../shared/invites.js';
import { createLogger } from '../logger.js';
import { createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { startMailServer, type ReceivedMail, type TestMailServer } from './mail-server.js';
import { connected, cut, openSocket, sleep } from './sockets.js';

/** The one-time code at the end of an invitation or reset link. */
const codeOf = (link: string) => link.split('/').pop()!;

function acceptInvite(baseUrl: string, link: string, displayName: string) {
  return new TestClient(baseUrl).post('/api/auth/accept-invite', { code: codeOf(link), displayName, password: 'a-long-password' });
}

/** A real SMTP server and a fair sending through it, for one describe block; `admin` is signed in. */
function useMailFair(options: { refuse?: boolean; env?: Record<string, string> } = {}) {
  const fair = {} as { mail: TestMailServer; server: TestServer; admin: TestClient };
  beforeAll(async () => {
    fair.mail = await startMailServer({ refuse: options.refuse });
    fair.server = await startTestServer({ env: { ...fair.mail.env, ...options.env } });
    fair.admin = new TestClient(fair.server.baseUrl);
    await fair.admin.login('admin@fair.test');
  });
  afterAll(async () => {
    await fair.server?.close();
    await fair.mail?.close();
  });
  return fair;
}

describe('invitation emails', () => {
  const fair = useMailFair();

  async function invite(body: Record<string, unknown>): Promise<Invite> {
    const res = await fair.admin.post('/api/admin/invites', body);
    expect(res.status).toBe(201);
    return res.body.invite as Invite;
  }

  it('sends the invitation in the language asked for, with the link and how long it works', async () => {
    const created = await invite({ email: 'lucia@example.org', role: 'host', boothSlug: 'kujalink', displayName: 'Lucía', locale: 'es' });
    expect(created).toMatchObject({ locale: 'es', mail: { state: 'sent', reason: null } });
    expect(created.mail.at).not.toBeNull();

    const email = await fair.mail.waitFor('lucia@example.org');
    expect(email.subject).toBe('Tu invitación a la Feria Digital');
    expect(email.text).toContain('Hola, Lucía:');
    expect(email.text).toMatch(/Tu rol: anfitrión\/a de stand, en el stand «.+»\./);
    expect(email.text).toContain('es válido durante 7 días');
    expect(email.links).toEqual([created.link]);
    expect(email.html).toContain(`href="${created.link}"`);
    expect(email.html).toContain('<html lang="es">');

    // The emailed link is the invitation.
    expect((await acceptInvite(fair.server.baseUrl, email.links[0]!, 'Lucía')).status).toBe(201);
  });

  it('writes in English when no language is given, and in French when asked', async () => {
    const english = await invite({ email: 'sam@example.org', role: 'member' });
    expect(english.locale).toBe('en');
    const inEnglish = await fair.mail.waitFor('sam@example.org');
    expect(inEnglish.subject).toBe('Your invitation to the Digital Fair');
    expect(inEnglish.text).toContain('works for 7 days');

    await invite({ email: 'claire@example.org', role: 'moderator', locale: 'fr' });
    const inFrench = await fair.mail.waitFor('claire@example.org');
    expect(inFrench.subject).toBe('Votre invitation à la Foire numérique');
    expect(inFrench.text).toContain('Votre rôle : modérateur·rice.');
    expect(inFrench.text).toContain('reste valable 7 jours');
  });

  it('refuses a language the fair does not speak', async () => {
    const res = await fair.admin.post('/api/admin/invites', { email: 'de@example.org', role: 'member', locale: 'de' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'locale' } });
  });

  it('emails every invitee of an imported roster', async () => {
    const csv = ['email,display_name,role,booth_slug', 'row1@example.org,Row One,member,', 'row2@example.org,,member,'].join('\n');
    const res = await fair.admin.post('/api/admin/invites/import', csv, 'text/csv');
    expect(res.status).toBe(201);
    const invites = res.body.invites as Invite[];
    // The roster's emails go out in the background.
    expect(invites.map((i) => i.mail.state)).toEqual(['sending', 'sending']);
    const [first, second] = await Promise.all([fair.mail.waitFor('row1@example.org'), fair.mail.waitFor('row2@example.org')]);
    expect(first.links).toEqual([invites[0]!.link]);
    expect(first.text).toContain('Hello Row One,');
    expect(second.links).toEqual([invites[1]!.link]);
  });

  it('resends with a new link: the old one stops working, the new one works', async () => {
    const created = await invite({ email: 'again@example.org', role: 'member' });
    await fair.mail.waitFor('again@example.org');

    const res = await fair.admin.post(`/api/admin/invites/${created.id}/resend`);
    expect(res.status).toBe(200);
    const renewed = res.body.invite as Invite;
    expect(renewed).toMatchObject({ id: created.id, email: 'again@example.org', mail: { state: 'sent' } });
    expect(renewed.link).not.toBe(created.link);

    const second = await fair.mail.waitFor('again@example.org', { match: (m) => m.links[0] !== created.link });
    expect(second.links).toEqual([renewed.link]);
    expect(fair.mail.to('again@example.org')).toHaveLength(2);

    const stale = await acceptInvite(fair.server.baseUrl, created.link, 'Again');
    expect(stale.status).toBe(410);
    expect(stale.body.error?.code).toBe('INVITE_INVALID');
    expect((await acceptInvite(fair.server.baseUrl, second.links[0]!, 'Again')).status).toBe(201);

    // Accepted: nothing left to resend or revoke.
    expect((await fair.admin.post(`/api/admin/invites/${created.id}/resend`)).body.error?.code).toBe('CONFLICT');
    expect((await fair.admin.request('DELETE', `/api/admin/invites/${created.id}`)).body.error?.code).toBe('CONFLICT');
  });

  it('resends an expired invitation with a fresh expiry', async () => {
    const created = await invite({ email: 'expired@example.org', role: 'member' });
    fair.server.clock.advance(fair.server.config.inviteTtlMs + 60_000);
    expect((await new TestClient(fair.server.baseUrl).get(`/api/invites/${codeOf(created.link)}`)).status).toBe(410);
    const renewed = (await fair.admin.post(`/api/admin/invites/${created.id}/resend`)).body.invite as Invite;
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(fair.server.clock.now() + fair.server.config.inviteTtlMs - 60_000);
    expect((await new TestClient(fair.server.baseUrl).get(`/api/invites/${codeOf(renewed.link)}`)).status).toBe(200);
  });

  it('revokes a pending invitation: its link is refused', async () => {
    const created = await invite({ email: 'revoked@example.org', role: 'member' });
    const res = await fair.admin.request('DELETE', `/api/admin/invites/${created.id}`);
    expect(res.status).toBe(204);
    expect((await new TestClient(fair.server.baseUrl).get(`/api/invites/${codeOf(created.link)}`)).status).toBe(410);
    const accept = await acceptInvite(fair.server.baseUrl, created.link, 'Revoked');
    expect(accept.body.error?.code).toBe('INVITE_INVALID');
    expect((await fair.admin.request('DELETE', `/api/admin/invites/${created.id}`)).status).toBe(404);
    expect((await fair.admin.post(`/api/admin/invites/${created.id}/resend`)).status).toBe(404);
  });

  it('records resends and revocations in the audit log', async () => {
    const created = await invite({ email: 'audited@example.org', role: 'member' });
    await fair.admin.post(`/api/admin/invites/${created.id}/resend`);
    await fair.admin.request('DELETE', `/api/admin/invites/${created.id}`);
    const audit = await fair.admin.get('/api/moderation/audit?limit=5');
    const entries = (audit.body.entries as { action: string; details: { inviteId?: number } | null }[]).filter((e) => e.details?.inviteId === created.id);
    expect(entries.map((e) => e.action)).toEqual(['invite:revoke', 'invite:resend']);
    // Keep less: the audit log names the invitation, not the invitee's address.
    expect(JSON.stringify(entries)).not.toContain('audited@example.org');
  });

  it('answers 400 for an id that is not one', async () => {
    const res = await fair.admin.post('/api/admin/invites/abc/resend');
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'id' } });
  });
});

describe('invitation emails that cannot be sent', () => {
  const fair = useMailFair({ refuse: true });

  it('records "not sent" with the reason, and the invitation still works', async () => {
    const res = await fair.admin.post('/api/admin/invites', { email: 'refused@example.org', role: 'member' });
    expect(res.status).toBe(201);
    const created = res.body.invite as Invite;
    expect(created.mail.state).toBe('failed');
    expect(created.mail.reason).toMatch(/550.*Relaying denied/);
    expect(fair.mail.received).toHaveLength(0);
    // Retrying fails the same way here, and is recorded the same way.
    const retried = (await fair.admin.post(`/api/admin/invites/${created.id}/resend`)).body.invite as Invite;
    expect(retried.mail).toMatchObject({ state: 'failed' });
    expect((await acceptInvite(fair.server.baseUrl, retried.link, 'Refused')).status).toBe(201);
  });

  it('records the failure of a roster row sent in the background', async () => {
    const res = await fair.admin.post('/api/admin/invites/import', 'email,display_name,role,booth_slug\nbackground@example.org,,member,\n', 'text/csv');
    const [created] = res.body.invites as Invite[];
    let row: { mail_state: string; mail_error: string | null } | undefined;
    for (let i = 0; i < 50 && row?.mail_state !== 'failed'; i++) {
      await sleep(100);
      [row] = await fair.server.sql<{ mail_state: string; mail_error: string | null }>('select mail_state, mail_error from invites where id = ?', [created!.id]);
    }
    expect(row?.mail_state).toBe('failed');
    expect(row?.mail_error).toMatch(/Relaying denied/);
  });

  it('records "not sent" when no mail server answers', async () => {
    const down = await startMailServer();
    await down.close();
    const other = await startTestServer({ env: down.env });
    try {
      const client = new TestClient(other.baseUrl);
      await client.login('admin@fair.test');
      const res = await client.post('/api/admin/invites', { email: 'nobody-home@example.org', role: 'member' });
      expect(res.status).toBe(201);
      const sent = (res.body.invite as Invite).mail;
      expect(sent.state).toBe('failed');
      expect(sent.reason).toMatch(/ECONNREFUSED/);
    } finally {
      await other.close();
    }
  });
});

describe('without SMTP_URL', () => {
  it('sends nothing and writes the email, link included, to the server log (without the address)', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await startTestServer({ deps: { logger: createLogger('info', sink) } });
    try {
      const admin = new TestClient(server.baseUrl);
      await admin.login('admin@fair.test');
      const res = await admin.post('/api/admin/invites', { email: 'logged@example.org', role: 'member', locale: 'fr' });
      const created = res.body.invite as Invite;
      expect(created.mail.state).toBe('logged');
      const entries = lines.map((line) => JSON.parse(line) as { feature?: string; about?: unknown; subject?: string; text?: string });
      const logged = entries.find((entry) => entry.text?.includes(created.link));
      expect(logged).toMatchObject({ feature: 'mail', about: { invite: created.id }, subject: 'Votre invitation à la Foire numérique' });
      // Logs keep no email addresses (DESIGN.md): the entry names the invitation instead.
      expect(lines.join('')).not.toContain('logged@example.org');
      expect(logged?.text).toContain(created.link);
    } finally {
      await server.close();
    }
  });
});

describe('password reset', () => {
  const fair = useMailFair({ env: { TRUST_PROXY: '1' } });
  let addresses = 0;
  /** A browser at an address of its own (the fair trusts one proxy here), so the per-address limit is each test's own. */
  const visitor = () => new TestClient(fair.server.baseUrl, { 'x-forwarded-for': `198.51.100.${++addresses}` });

  async function resetLink(email: string, locale?: string): Promise<ReceivedMail> {
    const before = fair.mail.to(email).length;
    const res = await visitor().post('/api/auth/password-reset', { email, ...(locale ? { locale } : {}) });
    expect(res.status).toBe(202);
    // The newest reset email (a sign-in notice may arrive meanwhile).
    return fair.mail.waitFor(email, { match: (m) => fair.mail.to(email).indexOf(m) >= before && m.links.some((l) => l.includes('/reset-password/')) });
  }

  it('answers 202 the same way whether the account exists or not, and emails only the account', async () => {
    const unknown = await visitor().post('/api/auth/password-reset', { email: 'nobody@example.org' });
    const known = await visitor().post('/api/auth/password-reset', { email: 'Member@Fair.test' });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);
    const email = await fair.mail.waitFor('member@fair.test');
    expect(email.subject).toBe('Reset your Digital Fair password');
    expect(email.text).toContain('works for 1 hour');
    expect(email.links).toHaveLength(1);
    expect(email.links[0]).toMatch(new RegExp(`^${fair.server.config.publicUrl}/reset-password/[\\w-]{40,}$`));
    await sleep(200);
    expect(fair.mail.to('nobody@example.org')).toHaveLength(0);
  });

  it('writes in the account’s language, else in the language the page was in', async () => {
    const email = await resetLink('host@fair.test', 'es');
    expect(email.subject).toBe('Restablece tu contraseña de la Feria Digital');
    expect(email.text).toContain('es válido durante 1 hora');

    await createUser(fair.server.db, { email: 'francophone@fair.test', displayName: 'Francophone', role: 'member' });
    await fair.server.sql('update users set locale = ? where email = ?', ['fr', 'francophone@fair.test']);
    expect((await resetLink('francophone@fair.test', 'es')).subject).toBe('Réinitialisez votre mot de passe de la Foire numérique');
  });

  it('sets a new password once, ends every session of the account, and closes its open sockets', async () => {
    await createUser(fair.server.db, { email: 'forgetful@fair.test', displayName: 'Forgetful', role: 'member' });
    const laptop = new TestClient(fair.server.baseUrl);
    await laptop.login('forgetful@fair.test');
    const socket = openSocket(fair.server.baseUrl, laptop.cookie);
    await connected(socket);

    const email = await resetLink('forgetful@fair.test');
    const token = codeOf(email.links[0]!);
    const disconnected = cut(socket);
    const res = await visitor().post('/api/auth/password-reset/confirm', { token, password: 'a brand new password' });
    expect(res.status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    expect((await laptop.get('/api/me')).status).toBe(401);

    expect((await visitor().post('/api/auth/login', { email: 'forgetful@fair.test', password: 'fair-demo' })).status).toBe(401);
    expect((await visitor().post('/api/auth/login', { email: 'forgetful@fair.test', password: 'a brand new password' })).status).toBe(200);

    const again = await visitor().post('/api/auth/password-reset/confirm', { token, password: 'yet another password' });
    expect(again.status).toBe(410);
    expect(again.body.error?.code).toBe('RESET_INVALID');
  });

  it('keeps the link when the new password breaks the password rules', async () => {
    await createUser(fair.server.db, { email: 'rules@fair.test', displayName: 'Rules', role: 'member' });
    const token = codeOf((await resetLink('rules@fair.test')).links[0]!);
    const weak = await visitor().post('/api/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'password' } });
    expect((await visitor().post('/api/auth/password-reset/confirm', { token, password: 'long enough now' })).status).toBe(204);
  });

  it('refuses a link after an hour', async () => {
    await createUser(fair.server.db, { email: 'slow@fair.test', displayName: 'Slow', role: 'member' });
    const token = codeOf((await resetLink('slow@fair.test')).links[0]!);
    fair.server.clock.advance(60 * 60_000 + 1_000);
    const res = await visitor().post('/api/auth/password-reset/confirm', { token, password: 'too late for this' });
    expect(res.body.error?.code).toBe('RESET_INVALID');
    expect((await visitor().post('/api/auth/login', { email: 'slow@fair.test', password: 'fair-demo' })).status).toBe(200);
  });

  it('keeps only the newest link of an account alive', async () => {
    await createUser(fair.server.db, { email: 'twice@fair.test', displayName: 'Twice', role: 'member' });
    const first = codeOf((await resetLink('twice@fair.test')).links[0]!);
    const second = codeOf((await resetLink('twice@fair.test')).links[0]!);
    expect((await visitor().post('/api/auth/password-reset/confirm', { token: first, password: 'the first password' })).status).toBe(410);
    expect((await visitor().post('/api/auth/password-reset/confirm', { token: second, password: 'the second password' })).status).toBe(204);
  });

  it('answers RATE_LIMITED to an address that asks too often', async () => {
    const client = visitor();
    for (let i = 0; i < 10; i++) expect((await client.post('/api/auth/password-reset', { email: `probe${i}@example.org` })).status).toBe(202);
    const refused = await client.post('/api/auth/password-reset', { email: 'probe-last@example.org' });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('sends an account at most three links an hour, however many addresses ask', async () => {
    await createUser(fair.server.db, { email: 'flooded@fair.test', displayName: 'Flooded', role: 'member' });
    for (let i = 0; i < 6; i++) expect((await visitor().post('/api/auth/password-reset', { email: 'flooded@fair.test' })).status).toBe(202);
    await fair.mail.waitFor('flooded@fair.test', { match: () => fair.mail.to('flooded@fair.test').length >= 3 });
    await sleep(300);
    expect(fair.mail.to('flooded@fair.test')).toHaveLength(3);
  });

  describe('sign-in notices', () => {
    const CHROME_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
    const from = (address: string) => new TestClient(fair.server.baseUrl, { 'x-forwarded-for': address, 'user-agent': CHROME_ON_LINUX });

    it('tells the account, in its language, of a sign-in from a browser and network it has not used, once', async () => {
      await createUser(fair.server.db, { email: 'noticed@fair.test', displayName: 'Noticed', role: 'member' });
      await fair.server.sql('update users set locale = ? where email = ?', ['fr', 'noticed@fair.test']);
      await from('203.0.113.10').login('noticed@fair.test');
      const notice = await fair.mail.waitFor('noticed@fair.test');
      expect(notice.subject).toBe('Nouvelle connexion à votre compte de la Foire numérique');
      expect(notice.text).toContain('Chrome (Linux)');
      expect(notice.links).toEqual([`${fair.server.config.publicUrl}/forgot-password`, `${fair.server.config.publicUrl}/account`]);

      await from('203.0.113.10').login('noticed@fair.test');
      await sleep(300);
      expect(fair.mail.to('noticed@fair.test')).toHaveLength(1);

      await from('203.0.113.11').login('noticed@fair.test');
      await fair.mail.waitFor('noticed@fair.test', { match: () => fair.mail.to('noticed@fair.test').length === 2 });
    });

    it('sends none when the browser that accepted the invitation signs in, and writes in the invitation’s language', async () => {
      const invite = (await fair.admin.post('/api/admin/invites', { email: 'newcomer@example.org', role: 'member', locale: 'es' })).body.invite as Invite;
      const browser = from('203.0.113.21');
      expect((await browser.post('/api/auth/accept-invite', { code: codeOf(invite.link), displayName: 'Newcomer', password: 'a-long-password' })).status).toBe(201);
      await browser.post('/api/auth/login', { email: 'newcomer@example.org', password: 'a-long-password' });
      await sleep(300);
      // Only the invitation so far.
      expect(fair.mail.to('newcomer@example.org').map((m) => m.subject)).toEqual(['Tu invitación a la Feria Digital']);
      await from('203.0.113.22').login('newcomer@example.org', 'a-long-password');
      const notice = await fair.mail.waitFor('newcomer@example.org', { match: (m) => m.subject !== 'Tu invitación a la Feria Digital' });
      expect(notice.subject).toBe('Nuevo inicio de sesión en tu cuenta de la Feria Digital');
    });
  });

  it('validates the body', async () => {
    const res = await visitor().post('/api/auth/password-reset', { email: 'not-an-email' });
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'email' } });
    const confirm = await visitor().post('/api/auth/password-reset/confirm', { token: 'x', password: 'a long enough password' });
    expect(confirm.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'token' } });
  });
});

describe('password reset for staff who must sign in with a passkey', () => {
  const fair = useMailFair({ env: { PASSKEYS_REQUIRED_FOR_STAFF: 'true' } });

  it('sends no link to staff whose password no longer signs them in, and does to staff without a passkey yet', async () => {
    const [host] = await fair.server.sql<{ id: string }>('select id from users where email = ?', ['host@fair.test']);
    await fair.server.sql('insert into passkeys (id, user_id, public_key, device_type, name) values (?, ?, ?, ?, ?)', ['credential-1', host!.id, 'key', 'singleDevice', 'Phone']);
    const client = new TestClient(fair.server.baseUrl);
    // The same answer as for anyone: nothing tells the requester which rule applied.
    expect((await client.post('/api/auth/password-reset', { email: 'host@fair.test' })).status).toBe(202);
    expect((await client.post('/api/auth/password-reset', { email: 'moderator@fair.test' })).status).toBe(202);
    await fair.mail.waitFor('moderator@fair.test');
    await sleep(300);
    expect(fair.mail.to('host@fair.test')).toHaveLength(0);
  });
});
