import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../shared/limits.js';
import { startTwirpStandIn, type TwirpStandIn } from '../../server/test/livekit-stand-in.js';
import { TestClient } from '../../server/test/harness.js';
import { describeBrowser, useBrowserFair } from './browser.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core (WCAG 2.x A and AA rules) in the page; returns serious and critical violations. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through DevTools, so the page's Content-Security-Policy stays on.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

let twirp: TwirpStandIn;
beforeAll(async () => {
  twirp = await startTwirpStandIn();
});
afterAll(async () => {
  await twirp.close();
});

describeBrowser('accessibility (axe-core) in every language', () => {
  const fair = useBrowserFair(() => twirp.env);

  async function signedInPage(language: Language, email: string): Promise<Page> {
    const client = new TestClient(fair.server.baseUrl);
    await client.login(email);
    const [name, value] = client.cookie!.split('=') as [string, string];
    const context = await fair.browser.newContext({ locale: language });
    await context.addCookies([{ name, value, url: fair.server.baseUrl }]);
    return context.newPage();
  }

  it.each(LANGUAGES)('sign-in, lobby and booth have no serious or critical violations in %s', async (language) => {
    const guest = await (await fair.browser.newContext({ locale: language })).newPage();
    await guest.goto(fair.server.baseUrl);
    await guest.locator('form').waitFor();
    expect(await guest.locator('html').getAttribute('lang')).toBe(language);
    expect(await seriousViolations(guest), `sign-in (${language})`).toEqual([]);
    await guest.context().close();

    const page = await signedInPage(language, 'host@fair.test');
    await page.goto(fair.server.baseUrl);
    await page.locator('.booth-card').first().waitFor();
    expect(await seriousViolations(page), `lobby (${language})`).toEqual([]);

    await page.goto(`${fair.server.baseUrl}/booths/peace-direct`);
    await page.locator('#composer').waitFor();
    await page.locator('.connection-online').waitFor();
    expect(await seriousViolations(page), `booth (${language})`).toEqual([]);
    await page.context().close();
  });
});
