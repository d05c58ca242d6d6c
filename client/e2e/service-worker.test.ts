import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { CLIENT_DIR, describeBrowser, launchBrowser } from './browser.js';

/** Waits until the page is controlled by an active service worker. */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

const isCode = (url: string) => /\/assets\/.+\.(js|css)$/.test(url);

describeBrowser('service worker (app shell)', () => {
  let server: TestServer;
  let browser: Browser;
  // The fair serves a copy of the build, so the test can "deploy" a new version into it.
  const clientDir = mkdtempSync(join(tmpdir(), 'fair-client-'));

  beforeAll(async () => {
    cpSync(CLIENT_DIR, clientDir, { recursive: true });
    server = await startTestServer({ deps: { clientDir } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(clientDir, { recursive: true, force: true });
  });

  it('loads a second visit with no network request for code, and starts offline saying so', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(server.baseUrl);
    await controlled(page);

    const codeResponses: Response[] = [];
    page.on('response', (response) => {
      if (isCode(response.url())) codeResponses.push(response);
    });
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
    expect(codeResponses.length).toBeGreaterThan(0);
    for (const response of codeResponses) expect(response.fromServiceWorker()).toBe(true);

    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('You are offline');
    await context.close();
  });

  it('picks up a new deploy on the next visit without breaking a running session', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(server.baseUrl);
    await controlled(page);
    const oldEntry = await page.evaluate(() => document.querySelector<HTMLScriptElement>('script[type=module]')!.src);

    // Deploy: new code under a new name, a new shell and a new service worker; the old code
    // file is gone from the server.
    const oldFile = oldEntry.slice(oldEntry.indexOf('/assets/') + 1);
    const newFile = oldFile.replace(/\.js$/, '-next.js');
    cpSync(join(clientDir, oldFile), join(clientDir, newFile));
    rmSync(join(clientDir, oldFile));
    const html = readFileSync(join(clientDir, 'index.html'), 'utf8').replace(oldFile, newFile);
    writeFileSync(join(clientDir, 'index.html'), html.replace('<title>', '<meta name="fair-build" content="next" /><title>'));
    const sw = readFileSync(join(clientDir, 'sw.js'), 'utf8').replace(oldFile, newFile);
    writeFileSync(join(clientDir, 'sw.js'), sw.replace(/const VERSION = "(\d+)-/, (_m, time: string) => `const VERSION = "${Number(time) + 1}-`));

    // The running page's worker finds the update; the page's own code still loads (from cache).
    // The new worker skips waiting and claims the open page: wait for that hand-over first, so the
    // reload below never waits on an activation still under way (under the whole suite's load that
    // wait outlasted a reload's 30 s).
    await page.evaluate(() => {
      const w = window as unknown as { fairControllerChanged?: boolean };
      w.fairControllerChanged = false;
      navigator.serviceWorker.addEventListener('controllerchange', () => (w.fairControllerChanged = true));
    });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const shellsReady = () =>
      page.evaluate(async () => {
        const shells = (await caches.keys()).filter((k) => k.startsWith('fair-shell-'));
        const complete = await Promise.all(shells.map(async (k) => (await (await caches.open(k)).keys()).length >= 3));
        return complete.filter(Boolean).length;
      });
    await expect.poll(shellsReady, { timeout: 60_000, message: 'the new shell is cached beside the old one' }).toBe(2);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { fairControllerChanged: boolean }).fairControllerChanged), {
        timeout: 60_000,
        message: 'the new worker takes over the open page',
      })
      .toBe(true);
    const stillThere = await page.evaluate(async (url) => (await fetch(url)).status, oldEntry);
    expect(stillThere).toBe(200);

    // The next visit, a reload included, gets the new shell.
    await page.reload({ timeout: 60_000 });
    await expect.poll(() => page.locator('meta[name="fair-build"]').count(), { message: 'the reload shows the new build' }).toBe(1);
    await context.close();
  }, 240_000);
});
