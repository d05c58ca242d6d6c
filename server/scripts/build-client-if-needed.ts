/**
 * `npm start` runs this first: builds the client when dist/client is missing or older than
 * any client or shared source file, so a fresh checkout needs only `npm install && npm start`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const BUILT_SHELL = 'dist/client/index.html';
const SOURCES = ['client', 'shared', 'vite.config.ts'];

function newestChangeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts') || entry.endsWith('.test.tsx') || entry === 'e2e') continue;
    newest = Math.max(newest, newestChangeMs(join(path, entry)));
  }
  return newest;
}

const builtAt = existsSync(BUILT_SHELL) ? statSync(BUILT_SHELL).mtimeMs : 0;
const changedAt = Math.max(...SOURCES.filter((p) => existsSync(p)).map(newestChangeMs));
if (builtAt < changedAt) {
  console.log('Building the client…');
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
