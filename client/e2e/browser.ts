import { existsSync } from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { TestClient, type TestServer } from '../../server/test/harness.js';
import { startTwirpStandIn, type TwirpStandIn } from '../../server/test/livekit-stand-in.js';
import { startMailServer, type TestMailServer } from '../../server/test/mail-server.js';
import { CHROMIUM_PATH, launchBrowser, startFairForBrowser } from './chromium.js';

export { CHROMIUM_PATH, CLIENT_DIR, launchBrowser, startFairForBrowser } from './chromium.js';

const hasBrowser = existsSync(CHROMIUM_PATH);
if (!hasBrowser) {
  if (process.env.REQUIRE_E2E === '1') {
    throw new Error(`REQUIRE_E2E=1 but no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package.`);
  }
  console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH).`);
}

/** `describe` for browser tests: skipped, with a line saying so, when no Chromium is installed. */
export const describeBrowser = hasBrowser ? describe : describe.skip;

/** Signs in through the form, as a person would (English labels). */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('fair-demo');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Starts the fair and one Chromium for a describe block, and stops both after it. */
export function useBrowserFair(env: () => Record<string, string> = () => ({})): { server: TestServer; browser: Browser } {
  const fair = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    fair.server = await startFairForBrowser(env());
    fair.browser = await launchBrowser();
  });
  afterAll(async () => {
    await fair.browser?.close();
    await fair.server?.close();
  });
  return fair;
}

/**
 * The fair and Chromium for a describe block, sending email through a real SMTP server started
 * first (`mail`), with emailed links pointing where the browser can open them.
 */
export function mailingBrowserFair(): { fair: { server: TestServer; browser: Browser }; mail: { readonly current: TestMailServer } } {
  const mail = {} as { current: TestMailServer };
  beforeAll(async () => {
    mail.current = await startMailServer();
  });
  afterAll(async () => {
    await mail.current?.close();
  });
  const fair = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    fair.server = await startFairForBrowser(mail.current.env);
    fair.server.config.publicUrl = fair.server.baseUrl;
    fair.browser = await launchBrowser();
  });
  afterAll(async () => {
    await fair.browser?.close();
    await fair.server?.close();
  });
  return { fair, mail };
}

/** A local stand-in for LiveKit's RoomService for the whole file (video on, no LiveKit server). */
export function startLiveKitStandInForFile(): { readonly current: TwirpStandIn } {
  const holder = {} as { current: TwirpStandIn };
  beforeAll(async () => {
    holder.current = await startTwirpStandIn();
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return holder;
}

/** A page already signed in as `email` (session made over HTTP, cookie handed to the browser). */
export async function signedInPage(fair: { server: TestServer; browser: Browser }, email: string, options: BrowserContextOptions = {}): Promise<Page> {
  const client = new TestClient(fair.server.baseUrl);
  await client.login(email);
  const [name, value] = client.cookie!.split('=') as [string, string];
  const context = await fair.browser.newContext(options);
  await context.addCookies([{ name, value, url: fair.server.baseUrl }]);
  return context.newPage();
}
