import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Budgets for members on slow, costly data (issue 7). Sizes in bytes, gzipped at level 9. */
const TEXT_MODE_ENTRY_MAX_GZIP_BYTES = 120_000;
const MEDIA_FILE_MAX_BYTES = 20_000;

const DIST = resolve('dist/client');
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** What a first visit in text mode downloads: the shell the service worker precaches. */
function textModeFiles(): string[] {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  const match = /const PRECACHE = (\[[^\]]*\]);/.exec(sw);
  if (!match) throw new Error('sw.js has no PRECACHE list');
  return ['index.html', ...(JSON.parse(match[1]!) as string[]).map((path) => path.slice(1))];
}

describe('production build budget', () => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('No build in dist/client: run `npm run build` (npm test does).');
  const assets = readdirSync(join(DIST, 'assets'));

  it(`keeps the text-mode entry (HTML + JS + CSS) within ${TEXT_MODE_ENTRY_MAX_GZIP_BYTES / 1000} KB gzipped`, () => {
    const files = textModeFiles();
    // Every script and stylesheet the HTML references is in the list.
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    for (const [, ref] of html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) expect(files).toContain(ref);
    const sizes = Object.fromEntries(files.map((file) => [file, gz(file)]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`text-mode entry, gzipped: ${JSON.stringify(sizes)} total ${(total / 1000).toFixed(1)} KB`);
    expect(total).toBeLessThanOrEqual(TEXT_MODE_ENTRY_MAX_GZIP_BYTES);
  });

  it('puts the video code (livekit-client) in its own chunk, outside the text-mode entry', () => {
    for (const file of textModeFiles()) expect(readFileSync(join(DIST, file), 'utf8'), file).not.toMatch(/livekit/i);
    const lazy = assets.filter((file) => file.endsWith('.js') && !textModeFiles().includes(`assets/${file}`));
    const video = lazy.filter((file) => readFileSync(join(DIST, 'assets', file), 'utf8').includes('livekit'));
    expect(video).toHaveLength(1);
    console.log(`lazily loaded chunks, gzipped: ${JSON.stringify(Object.fromEntries(lazy.map((f) => [f, gz(`assets/${f}`)])))}`);
  });

  it(`ships no font or image over ${MEDIA_FILE_MAX_BYTES / 1000} KB`, () => {
    const media = assets.filter((file) => /\.(woff2?|ttf|otf|png|jpe?g|gif|webp|avif|svg|ico)$/i.test(file));
    for (const file of media) expect(statSync(join(DIST, 'assets', file)).size, file).toBeLessThanOrEqual(MEDIA_FILE_MAX_BYTES);
  });
});
