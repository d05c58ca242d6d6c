import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Emits /sw.js with the app shell to precache: the entry chunk, the chunks it imports
 * statically, and its CSS. Lazily imported chunks (video) are left out on purpose: a member
 * in text mode never downloads them.
 */
function serviceWorker(): Plugin {
  return {
    name: 'fair-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = new Set<string>();
      const visit = (fileName: string) => {
        const item = bundle[fileName];
        if (!item || shell.has(fileName)) return;
        shell.add(fileName);
        if (item.type !== 'chunk') return;
        item.imports.forEach(visit);
        item.viteMetadata?.importedCss.forEach((css) => shell.add(css));
      };
      for (const item of Object.values(bundle)) if (item.type === 'chunk' && item.isEntry) visit(item.fileName);
      const precache = [...shell].sort().map((file) => `/${file}`);
      // Build time first so versions sort by age; the hash says what changed.
      const version = `${Date.now()}-${createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 8)}`;
      const template = readFileSync('client/sw/sw-template.js', 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: template.replace("'__VERSION__'", JSON.stringify(version)).replace('/* filled in by the build */ []', JSON.stringify(precache)),
      });
    },
  };
}

/** Every test file; the SQLite project runs them all. */
const ALL_TESTS = ['server/**/*.test.ts', 'shared/**/*.test.ts', 'client/**/*.test.ts', 'client/**/*.test.tsx'];
/** The integration suite (real servers, real clients, real Chromium), which also runs on PostgreSQL with Redis. */
const INTEGRATION_TESTS = ['server/test/**/*.test.ts', 'client/e2e/**/*.test.ts'];
/**
 * Integration files about SQLite itself, not run on PostgreSQL: fault.test.ts kills a server
 * process and checks the SQLite file it leaves; nginx.test.ts runs two nodes on one SQLite
 * file (the multi-node tests on PostgreSQL and Redis cover that mode).
 */
const SQLITE_ONLY_TESTS = ['server/test/fault.test.ts', 'server/test/nginx.test.ts'];

/** Whether something answers at a URL's host and port (null) or why not. */
function unreachable(address: string, defaultPort: number): Promise<string | null> {
  const url = new URL(address);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || defaultPort), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer from ${url.host}`);
    });
    socket.once('error', (err) => resolve(`${url.host}: ${err.message}`));
  });
}

/** Why the second run (PostgreSQL and Redis) cannot happen; null when both answer. Only asked under vitest. */
async function scaledModeProblem(): Promise<string | null> {
  const [postgres, redis] = await Promise.all([
    unreachable(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 5432),
    unreachable(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 6379),
  ]);
  if (postgres) return `PostgreSQL: ${postgres}`;
  if (redis) return `Redis: ${redis}`;
  return null;
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const problem = process.env.VITEST ? await scaledModeProblem() : 'not testing';
  // Under REQUIRE_CLUSTER=1 (CI) the PostgreSQL run happens whatever: a missing server fails it.
  const runOnPostgres = problem === null || process.env.REQUIRE_CLUSTER === '1';
  if (process.env.VITEST && !runOnPostgres) console.warn(`Skipping the PostgreSQL + Redis run of the integration suite: ${problem} (start them, or set TEST_PG_URL / TEST_REDIS_URL).`);
  return {
    root: 'client',
    plugins: [react(), serviceWorker()],
    build: {
      outDir: '../dist/client',
      emptyOutDir: true,
      target: 'es2020',
      reportCompressedSize: true,
      // livekit-client (~535 KB raw, ~139 KB gzipped) is one lazily loaded chunk by design; the
      // budget that matters, the text-mode entry, is checked by client/build-budget.test.ts.
      chunkSizeWarningLimit: 600,
    },
    server: {
      proxy: {
        '/api': 'http://localhost:3000',
        '/socket.io': { target: 'http://localhost:3000', ws: true },
      },
    },
    test: {
      root: '.',
      include: ALL_TESTS,
      projects: [
        { extends: true, test: { name: 'sqlite', include: ALL_TESTS } },
        ...(runOnPostgres
          ? [{ extends: true as const, test: { name: 'postgres', include: INTEGRATION_TESTS, exclude: SQLITE_ONLY_TESTS, env: { FAIR_TEST_DATABASE: 'postgres' } } }]
          : []),
      ],
      // Fails any test whose socket clients received a frame that breaks shared/protocol.ts.
      setupFiles: ['server/test/protocol-setup.ts'],
      testTimeout: 30_000,
      // Browser steps under a loaded 2-core CI machine can take seconds: poll patiently.
      expect: { poll: { timeout: 10_000, interval: 50 } },
      hookTimeout: 60_000,
      pool: 'forks',
    },
  };
});
