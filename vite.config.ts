import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
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

export default defineConfig({
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
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'client/**/*.test.ts', 'client/**/*.test.tsx'],
    // Fails any test whose socket clients received a frame that breaks shared/protocol.ts.
    setupFiles: ['server/test/protocol-setup.ts'],
    testTimeout: 30_000,
    // Browser steps under a loaded 2-core CI machine can take seconds: poll patiently.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
