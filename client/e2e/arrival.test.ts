/**
 * Doors open, as a member sees them in Chromium: a crowded booth lists a bounded few names, says
 * how many are there and pages through everyone on request; and a tab left open on an older build
 * reloads into the new one once, then asks the member rather than reloading in a loop.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { PRESENCE_LIST_PAGE, PRESENCE_SNAPSHOT_OTHERS_MAX } from '../../shared/limits.js';
import { PROTOCOL_VERSION } from '../../shared/protocol-version.js';
import { SESSION_COOKIE } from '../../server/auth/cookies.js';
import { hashSecret, newSecret } from '../../server/auth/tokens.js';
import { booths, sessions, users } from '../../server/db/tables.js';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { connected, openSocket, request, type ClientSocket } from '../../server/test/sockets.js';
import { CLIENT_DIR, describeBrowser, launchBrowser, signedInPage } from './browser.js';

/** More than the join snapshot and more than one page of presence:list. */
const CROWD = PRESENCE_SNAPSHOT_OTHERS_MAX + PRESENCE_LIST_PAGE - 20;
const BOOTH = { slug: 'peace-direct', name: 'Peace Direct' };
/** How the built bundle carries the protocol it speaks (Vite inlines PROTOCOL_VERSION). */
const PROTOCOL_IN_BUNDLE = /auth:\{protocol:(\d+)\}/g;

describeBrowser('arriving at the fair in Chromium', () => {
  const fair = {} as { server: TestServer; browser: Browser };
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    fair.server = await startTestServer({
      // The whole crowd connects from this process's one address, while two cores are shared
      // with Chromium: neither the per-address cap nor a late event loop may turn it away.
      deps: { clientDir: CLIENT_DIR, connectionLimits: { socketsPerAddress: 1_000, admissionLoopDelayMaxMs: 10_000 } },
    });
    fair.browser = await launchBrowser();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await fair.browser?.close();
    await fair.server?.close();
  });

  /** Members with live sessions, written straight to the database (no sign-in per member). */
  async function crowd(count: number): Promise<{ cookie: string; displayName: string }[]> {
    const now = fair.server.clock.now();
    const members = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), token: newSecret(), i, displayName: `Crowd visitor ${String(i + 1).padStart(3, '0')}` }));
    await fair.server.db.insert(users).values(members.map(({ id, i, displayName }) => ({ id, email: `crowd${i}@fair.test`, displayName, role: 'member' as const, passwordHash: '!', conductVersion: 1 })));
    await fair.server.db
      .insert(sessions)
      .values(members.map(({ id, token }) => ({ tokenHash: hashSecret(token), userId: id, expiresAt: new Date(now + 3_600_000), createdAt: new Date(now) })));
    return members.map(({ token, displayName }) => ({ cookie: `${SESSION_COOKIE}=${token}`, displayName }));
  }

  async function enter(cookie: string, boothId: number): Promise<void> {
    const socket = openSocket(fair.server.baseUrl, cookie, { auth: { protocol: PROTOCOL_VERSION } });
    sockets.push(socket);
    await connected(socket);
    const ack = await request(socket, 'booth:join', { boothId });
    if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  }

  it('lists a bounded few of a crowded booth, gives the right count, and pages through everyone by keyboard', async () => {
    const [booth] = await fair.server.db.select({ id: booths.id }).from(booths).where(eq(booths.slug, BOOTH.slug));
    await fair.server.db.update(booths).set({ capacity: CROWD + 50 }).where(eq(booths.id, booth!.id));
    const members = await crowd(CROWD);
    for (let i = 0; i < members.length; i += 10) await Promise.all(members.slice(i, i + 10).map(({ cookie }) => enter(cookie, booth!.id)));

    const page = await signedInPage(fair, 'member@fair.test', { locale: 'en-GB' });
    await page.goto(fair.server.baseUrl);
    await page.getByRole('link', { name: `Visit ${BOOTH.name}` }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toContain('Online');

    // The crowd and me; the list names me and at most the snapshot's share of the others.
    const total = CROWD + 1;
    const shown = PRESENCE_SNAPSHOT_OTHERS_MAX + 1;
    await expect.poll(() => page.getByText(`${total} people in this booth`).count()).toBe(1);
    const people = page.getByRole('list', { name: 'People here' });
    expect(await people.getByRole('listitem').count()).toBe(shown);
    expect(await people.textContent()).toContain('Amina');
    expect(await page.getByText(`Showing ${shown} of ${total}`, { exact: true }).count()).toBe(1);

    // "See everyone", by keyboard: Enter opens the pager, Tab reaches "Show more people".
    const seeAll = page.getByRole('button', { name: `See everyone here (${total})` });
    await seeAll.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => seeAll.getAttribute('aria-expanded')).toBe('true');
    const everyone = page.getByRole('list', { name: 'Everyone in this booth' });
    await expect.poll(() => everyone.getByRole('listitem').count()).toBe(PRESENCE_LIST_PAGE);
    await expect.poll(() => page.getByText(`Showing ${PRESENCE_LIST_PAGE} of ${total}`, { exact: true }).count()).toBe(1);
    const firstPage = new Set(await everyone.getByRole('listitem').locator('span:first-child').allTextContents());
    const beyond = [...members.map((member) => member.displayName), 'Amina'].filter((name) => !firstPage.has(name));
    expect(beyond).toHaveLength(total - PRESENCE_LIST_PAGE);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Show more people');
    await page.keyboard.press('Enter');
    await expect.poll(() => everyone.getByRole('listitem').count()).toBe(total);
    const all = await everyone.getByRole('listitem').locator('span:first-child').allTextContents();
    expect(new Set(all).size).toBe(total);
    for (const name of beyond) expect(all).toContain(name);
    // Focus moved to the first person the page added, so reading carries on where the list grew.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('LI');
    expect(beyond).toContain(await page.evaluate(() => document.activeElement?.querySelector('span')?.textContent));
    // The last page: no "Show more", and the live list above is still bounded.
    expect(await page.getByRole('button', { name: 'Show more people' }).count()).toBe(0);
    expect(await people.getByRole('listitem').count()).toBe(shown);
    await page.context().close();
  });

  it('reloads a tab on an older build once, then asks the member to reload instead of looping', async () => {
    // The rewrite below must have something to match, or the test would prove nothing.
    const assets = join(CLIENT_DIR, 'assets');
    const inBuild = readdirSync(assets)
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) => [...readFileSync(join(assets, file), 'utf8').matchAll(PROTOCOL_IN_BUNDLE)].map((match) => match[1]));
    expect(inBuild).toEqual([String(PROTOCOL_VERSION)]);

    // Service workers blocked: page.route does not see requests a service worker answers.
    const page = await signedInPage(fair, 'member2@fair.test', { locale: 'en-GB', serviceWorkers: 'block' });
    let rewritten = 0;
    let deployed = false;
    const olderBuild = async (route: Route) => {
      if (deployed) return route.continue();
      const response = await route.fetch();
      const code = await response.text();
      const old = code.replace(PROTOCOL_IN_BUNDLE, () => {
        rewritten++;
        return `auth:{protocol:${PROTOCOL_VERSION - 1}}`;
      });
      await route.fulfill({ response, body: old });
    };
    await page.route(/\/assets\/[^/]+\.js$/, olderBuild);
    let loads = 0;
    page.on('request', (req) => {
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) loads++;
    });

    await page.goto(fair.server.baseUrl);
    const notice = page.getByRole('alert').filter({ hasText: 'A new version of the fair is out' });
    await expect.poll(() => notice.count(), { timeout: 15_000 }).toBe(1);
    expect(rewritten).toBe(2); // the visit and the one reload each ran the older build
    // The visit and one reload into the "new" build, which was refused again; then no more.
    expect(loads).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(loads).toBe(2);
    expect(await notice.textContent()).toContain('Please reload this page to continue.');

    // The member reloads once the new build is really there: connected, and the notice gone.
    // (Still through the route: once unrouted, Chromium runs the rewritten copy it holds under
    // the same address, where a real new build would have a new one.)
    deployed = true;
    await notice.getByRole('button', { name: 'Reload the page' }).click();
    await expect.poll(() => loads).toBe(3);
    await page.getByRole('link', { name: `Visit ${BOOTH.name}` }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toContain('Online');
    expect(await page.getByText('A new version of the fair is out').count()).toBe(0);
    await page.context().close();
  });
});
