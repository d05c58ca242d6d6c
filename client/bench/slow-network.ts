/**
 * `npm run bench:client [-- --json] [-- --idle SECONDS]`: how the fair feels on slow links.
 * Drives Debian's Chromium through the DevTools protocol with throttled network profiles and
 * measures, for a member opening a booth:
 *  - coldMs / coldBytes: empty cache, from navigation until the chat is usable (history shown,
 *    composer ready, connection online), and the bytes that crossed the network;
 *  - warmMs / warmBytes: the same again with the service worker and caches warm;
 *  - idleBytesPerMin: bytes per minute while sitting idle in the booth.
 * Prints a table, or with --json one object keyed by profile name. Talks only to 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { TestClient } from '../../server/test/harness.js';
import { openSocket, connected, request } from '../../server/test/sockets.js';
import { launchBrowser, startFairForBrowser } from '../e2e/chromium.js';

interface Profile {
  /** Bytes per second each way, and added round-trip latency, as DevTools takes them. */
  downloadThroughput: number;
  uploadThroughput: number;
  latency: number;
}

/** "Slow 3G" as the issue defines it, and a harsher 2G link (Chrome's "2g" effectiveType: RTT ≥ 1400 ms, ≤ 70 kbps). */
const PROFILES: Record<string, Profile> = {
  slow3g: { downloadThroughput: 50_000, uploadThroughput: 50_000, latency: 2_000 },
  '2g': { downloadThroughput: 8_750, uploadThroughput: 4_000, latency: 1_400 },
};

const BOOTH = 'peace-direct';
const HISTORY_MARKER = 'Welcome to the Peace Direct booth';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, idle: { type: 'string', default: '60' } } });
const idleSeconds = Math.max(5, Number(values.idle));
const log = (line: string) => {
  if (!values.json) console.log(line);
};

/** Counts bytes on the wire for one page: HTTP responses (headers + body) and WebSocket frames. */
async function meter(page: Page, context: BrowserContext, profile: Profile): Promise<{ cdp: CDPSession; bytes: () => number; reset: () => void }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile });
  let total = 0;
  cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => (total += event.encodedDataLength));
  cdp.on('Network.webSocketFrameReceived', (event: { response: { payloadData: string } }) => (total += event.response.payloadData.length + 2));
  cdp.on('Network.webSocketFrameSent', (event: { response: { payloadData: string } }) => (total += event.response.payloadData.length + 6));
  return { cdp, bytes: () => total, reset: () => (total = 0) };
}

/** Navigates to the booth and waits until the member can chat. */
async function openBoothTimed(page: Page, baseUrl: string): Promise<number> {
  const started = Date.now();
  await page.goto(`${baseUrl}/booths/${BOOTH}`, { waitUntil: 'commit', timeout: 120_000 });
  await page.getByRole('log', { name: 'Messages' }).getByText(HISTORY_MARKER).waitFor({ timeout: 120_000 });
  await page.getByRole('status', { name: 'Connection' }).getByText('Online').waitFor({ timeout: 120_000 });
  await page.getByRole('textbox', { name: 'Message' }).waitFor({ state: 'visible', timeout: 120_000 });
  return Date.now() - started;
}

const server = await startFairForBrowser();
const browser = await launchBrowser();
try {
  // A session for the member, and a message so "history shown" means something.
  const member = new TestClient(server.baseUrl);
  await member.login('member@fair.test');
  const host = new TestClient(server.baseUrl);
  await host.login('host@fair.test');
  const hostSocket = openSocket(server.baseUrl, host.cookie);
  await connected(hostSocket);
  const boothId = ((await host.get(`/api/booths/${BOOTH}`)).body as { id: number }).id;
  await request(hostSocket, 'booth:join', { boothId });
  await request(hostSocket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: `${HISTORY_MARKER}. Ask us anything.` });
  const [name, value] = member.cookie!.split('=') as [string, string];

  const results: Record<string, { coldMs: number; coldBytes: number; warmMs: number; warmBytes: number; idleBytesPerMin: number }> = {};
  for (const [profileName, profile] of Object.entries(PROFILES)) {
    const context = await browser.newContext({ locale: 'en-GB' });
    await context.addCookies([{ name, value, url: server.baseUrl }]);
    const page = await context.newPage();
    const wire = await meter(page, context, profile);

    const coldMs = await openBoothTimed(page, server.baseUrl);
    const coldBytes = wire.bytes();
    // Let the service worker finish installing before the warm visit.
    await page.evaluate(() => navigator.serviceWorker.ready);

    wire.reset();
    const warmMs = await openBoothTimed(page, server.baseUrl);
    const warmBytes = wire.bytes();

    wire.reset();
    await page.waitForTimeout(idleSeconds * 1000);
    const idleBytesPerMin = Math.round((wire.bytes() * 60) / idleSeconds);

    results[profileName] = { coldMs, coldBytes, warmMs, warmBytes, idleBytesPerMin };
    log(
      `${profileName.padEnd(7)} cold ${String(coldMs).padStart(6)} ms ${String(coldBytes).padStart(8)} B | warm ${String(warmMs).padStart(6)} ms ${String(warmBytes).padStart(7)} B | idle ${idleBytesPerMin} B/min`,
    );
    await context.close();
  }
  hostSocket.disconnect();
  if (values.json) console.log(JSON.stringify(results));
} finally {
  await browser.close();
  await server.close();
}
