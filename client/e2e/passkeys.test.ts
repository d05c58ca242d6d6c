import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { REAUTH_WINDOW_MS } from '../../server/auth/recent-auth.js';
import { createUser, TestClient } from '../../server/test/harness.js';
import { describeBrowser, useBrowserFair } from './browser.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical WCAG 2.x A/AA violations on the page (as in accessibility.test.ts). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact: string | null; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describeBrowser('passkeys and sessions in Chromium', () => {
  const fair = useBrowserFair();
  // WebAuthn needs a secure context and a domain relying-party id: http://localhost qualifies,
  // http://127.0.0.1 does not. The fair listens on 127.0.0.1; we browse it as localhost and
  // point PUBLIC_URL (the rpID and expected origin, read on each ceremony) at that address.
  let origin: string;
  beforeAll(() => {
    origin = `http://localhost:${(fair.server.app.httpServer.address() as AddressInfo).port}`;
    fair.server.config.publicUrl = origin;
  });

  /** A page at `origin`, signed in with a password over HTTP, with Chromium's virtual authenticator. */
  async function signedInWithAuthenticator(email: string, viewport = { width: 1000, height: 800 }): Promise<Page> {
    const client = new TestClient(origin);
    await client.login(email);
    const [name, value] = client.cookie!.split('=') as [string, string];
    const context = await fair.browser.newContext({ locale: 'en-GB', viewport });
    await context.addCookies([{ name, value, url: origin }]);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    return page;
  }

  it('adds a passkey on the account page, then signs out and back in with it', async () => {
    const page = await signedInWithAuthenticator('member@fair.test');
    await page.goto(origin);
    await page.getByRole('link', { name: 'Account & security' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Account & security' }).count()).toBe(1);
    await expect.poll(() => page.getByText('You have no passkey yet.').count()).toBe(1);

    await page.getByLabel('Name for the new passkey (optional)').fill('Test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Passkey added. Other devices signed in to your account were signed out.');
    // The list is read again after the status shows: under load it can come a moment later.
    await expect.poll(() => page.getByRole('button', { name: 'Remove passkey “Test laptop”' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
    // Another day: the member opens the fair and uses the passkey instead of a password.
    await page.goto(origin);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Lobby' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Signed in as Amina').count()).toBe(1);

    // The new session says how it began.
    await page.getByRole('link', { name: 'Account & security' }).click();
    await expect.poll(() => page.getByText('Signed in with a passkey').count()).toBe(1);
    await page.context().close();
  });

  it('signs out everywhere else from the account page: the other device drops to the sign-in page; fits 320 px', async () => {
    const page = await signedInWithAuthenticator('member2@fair.test', { width: 320, height: 640 });
    // The member's phone, signed in too, with the lobby open (a live socket).
    const iPhone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const phone = new TestClient(origin, { 'user-agent': iPhone });
    await phone.login('member2@fair.test');
    const [name, value] = phone.cookie!.split('=') as [string, string];
    const phoneContext = await fair.browser.newContext({ locale: 'en-GB', userAgent: iPhone });
    await phoneContext.addCookies([{ name, value, url: origin }]);
    const phonePage = await phoneContext.newPage();
    await phonePage.goto(origin);
    await expect.poll(() => phonePage.getByRole('heading', { level: 1, name: 'Lobby' }).count()).toBe(1);

    await page.goto(`${origin}/account`);
    await expect.poll(() => page.getByText('Safari on iOS').count()).toBe(1);
    expect(await page.getByText('This device').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Signed out 1 other session.');
    await expect.poll(() => page.getByText('Safari on iOS').count()).toBe(0);
    expect((await phone.get('/api/me')).status).toBe(401);
    await expect.poll(() => phonePage.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
    await phoneContext.close();
    await page.context().close();
  });

  // Last: it moves the fair's clock past the re-authentication window.
  it('asks for the password again when adding a passkey long after signing in, by keyboard, then adds it', async () => {
    await createUser(fair.server.db, { email: 'keyboard@fair.test', displayName: 'Keyboard User', role: 'member' });
    const page = await signedInWithAuthenticator('keyboard@fair.test');
    fair.server.clock.advance(REAUTH_WINDOW_MS + 1_000);
    await page.goto(`${origin}/account`);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Account & security' }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Add a passkey' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Confirm it is you' }).count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('reauth-password');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.type('fair-demo');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').allTextContents()).toContain('Passkey added. Other devices signed in to your account were signed out.');
    expect(await page.getByRole('heading', { name: 'Confirm it is you' }).count()).toBe(0);
    await page.context().close();
  });
});
