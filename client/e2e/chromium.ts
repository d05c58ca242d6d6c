import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/test/harness.js';

/** Debian's Chromium; playwright-core drives it (no browser download). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CLIENT_DIR = resolve('dist/client');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/** The real fair, serving the production build, on a random port with a fresh database. */
export function startFairForBrowser(env: Record<string, string> = {}): Promise<TestServer> {
  if (!existsSync(resolve(CLIENT_DIR, 'index.html'))) throw new Error('Build the client first (npm run build).');
  return startTestServer({ env, deps: { clientDir: CLIENT_DIR } });
}
