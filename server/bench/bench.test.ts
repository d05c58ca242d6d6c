import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));
const FIGURES = ['connected', 'failed', 'dropped', 'p50Ms', 'p95Ms', 'p99Ms', 'maxMs', 'deliveredPerS', 'acked', 'lost', 'cpuPct', 'peakRssMb', 'kbPerMember'];

/** A smoke run only: the bench works end to end and loses nothing at a trivial load. No figure is judged. */
describe('npm run bench', () => {
  it('prints one JSON object with ours, bare and their ratio, and loses no message at a small load', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', RUN, '--members', '50', '--duration', '2', '--ramp', '0.5', '--rate', '10', '--json'],
      { timeout: 90_000 },
    );
    const result = JSON.parse(stdout) as Record<'ours' | 'bare', Record<string, number>> & { ratio: Record<string, number | null> };
    expect(Object.keys(result).sort()).toEqual(['bare', 'ours', 'ratio']);
    for (const target of [result.ours, result.bare]) {
      for (const figure of FIGURES) expect(typeof target[figure]).toBe('number');
      expect(target.connected).toBe(50);
      expect(target.failed).toBe(0);
      expect(target.acked).toBe(20);
      expect(target.lost).toBe(0);
      expect(target.deliveredPerS).toBeGreaterThan(0);
    }
    expect(Object.keys(result.ratio).sort()).toEqual(['deliveredPerS', 'p99']);
  }, 100_000);
});
