import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { CLIENT_DIR, describeBrowser, signIn, useBrowserFair, startLiveKitStandInForFile } from './browser.js';

/** The built files that carry livekit-client (its event names are in no other chunk). */
function videoChunks(): string[] {
  const assets = join(CLIENT_DIR, 'assets');
  return readdirSync(assets).filter((name) => name.endsWith('.js') && readFileSync(join(assets, name), 'utf8').includes('connectionQualityChanged'));
}

/** A member on a data-saver 2G connection, as Chromium's navigator.connection reports it. */
async function dataSaverPage(browser: Browser): Promise<{ page: Page; requests: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  // A string, not a function: the test transpiler may wrap functions in helpers the page lacks.
  await context.addInitScript({
    content: "Object.defineProperty(Navigator.prototype, 'connection', { configurable: true, get: () => ({ saveData: true, effectiveType: '2g' }) });",
  });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  return { page, requests, close: () => context.close() };
}

async function openBooth(page: Page, baseUrl: string, email: string): Promise<void> {
  await signIn(page, baseUrl, email);
  await page.getByRole('link', { name: 'Visit Peace Direct' }).click();
  await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toContain('Online');
}

/** The presence list; in data saver mode it sits collapsed behind "Show who is here". */
const people = (page: Page) => page.getByRole('list', { name: 'People here', includeHidden: true });

const livekit = startLiveKitStandInForFile();

describeBrowser('booth video with LiveKit configured, in Chromium', () => {
  const fair = useBrowserFair(() => livekit.current.env);

  it('opens a booth in text mode without downloading the video chunk, and loads it only when the member picks audio', async () => {
    const chunks = videoChunks();
    expect(chunks).toHaveLength(1);
    const member = await dataSaverPage(fair.browser);
    await openBooth(member.page, fair.server.baseUrl, 'member@fair.test');
    expect(await member.page.evaluate(() => (navigator as Navigator & { connection?: { effectiveType?: string } }).connection?.effectiveType)).toBe('2g');
    await expect.poll(() => member.page.getByRole('radio', { name: 'Text only' }).isChecked()).toBe(true);
    expect(await member.page.getByRole('radio', { name: 'Audio' }).isEnabled()).toBe(true);
    await member.page.getByLabel('Message', { exact: true }).fill('Hello in text mode');
    await member.page.getByLabel('Message', { exact: true }).press('Enter');
    await expect.poll(() => member.page.getByRole('log', { name: 'Messages' }).textContent()).toContain('Hello in text mode');

    const loaded = (chunk: string) => member.requests.some((url) => new URL(url).pathname.endsWith(`/${chunk}`));
    expect(member.requests.filter((url) => url.includes('livekit') || url.includes('/video-token'))).toEqual([]);
    expect(loaded(chunks[0]!)).toBe(false);

    // Picking audio is what downloads it (so the check above can fail), and asks for a token.
    await member.page.getByRole('radio', { name: 'Audio' }).check();
    await expect.poll(() => loaded(chunks[0]!)).toBe(true);
    expect(member.requests.some((url) => url.endsWith('/api/booths/peace-direct/video-token'))).toBe(true);

    // Back to text: the chat and presence are exactly as they were, and the choice sticks.
    await member.page.getByRole('radio', { name: 'Text only' }).check();
    await expect.poll(() => member.page.getByRole('log', { name: 'Messages' }).textContent()).toContain('Hello in text mode');
    await expect.poll(() => people(member.page).textContent()).toContain('Amina');
    await member.close();
  });

  it('lets a host accept a raised hand, and tells the member they may speak', async () => {
    const member = await dataSaverPage(fair.browser);
    const host = await dataSaverPage(fair.browser);
    await openBooth(host.page, fair.server.baseUrl, 'host@fair.test');
    await openBooth(member.page, fair.server.baseUrl, 'member2@fair.test');

    await member.page.getByRole('button', { name: 'Raise hand to speak' }).click();
    await expect.poll(() => member.page.getByText('Your hand is raised').count()).toBe(1);
    await host.page.getByRole('button', { name: 'Let Luis speak' }).click();
    await expect.poll(() => member.page.getByRole('status').filter({ hasText: 'You may speak now' }).count()).toBe(1);
    await expect.poll(() => host.page.getByRole('button', { name: 'Stop Luis speaking' }).count()).toBe(1);
    expect(livekit.current.calls.map((call) => call.method)).toContain('UpdateParticipant');
    await member.close();
    await host.close();
  });
});

describeBrowser('booth video without LiveKit, in Chromium', () => {
  const fair = useBrowserFair();

  it('says video is not available, offers text only, and never asks for a token', async () => {
    const context = await fair.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await openBooth(page, fair.server.baseUrl, 'member@fair.test');
    await expect.poll(() => page.getByRole('radio', { name: 'Text only' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Video', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByText('Video is not available at this fair').count()).toBe(1);
    expect(requests.filter((url) => url.includes('/video-token') || videoChunks().some((chunk) => url.endsWith(chunk)))).toEqual([]);
    await context.close();
  });
});
