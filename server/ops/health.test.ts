import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createHealthMonitor } from './health.js';
import { createMetrics } from './metrics.js';
import { runProbe, type DependencyProbe } from './probes.js';
import { bearerTokenMatches } from './routes.js';

const silent = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A probe a test switches between passing and failing. */
function switchableProbe(name: string) {
  let up = true;
  let runs = 0;
  const probe: DependencyProbe = {
    name,
    check() {
      runs++;
      if (!up) throw new Error(`${name} down`);
    },
  };
  return { probe, set: (value: boolean) => (up = value), runs: () => runs };
}

describe('runProbe', () => {
  it('counts a probe that throws or rejects as down, and one that hangs past the timeout', async () => {
    expect(await runProbe({ name: 'sync', check: () => {} })).toMatchObject({ ok: true });
    expect(await runProbe({ name: 'throws', check: () => { throw new Error('no'); } })).toMatchObject({ ok: false });
    expect(await runProbe({ name: 'rejects', check: () => Promise.reject(new Error('no')) })).toMatchObject({ ok: false });
    const hung = await runProbe({ name: 'hangs', check: () => new Promise<void>(() => {}) }, 50);
    expect(hung.ok).toBe(false);
    expect(hung.ms).toBeGreaterThanOrEqual(45);
  });
});

describe('createHealthMonitor', () => {
  it('turns unhealthy when a probe fails on the periodic check, and healthy again when it passes', async () => {
    const redis = switchableProbe('redis');
    const seen: string[] = [];
    const health = createHealthMonitor({
      node: 'n1',
      probes: [{ name: 'database', check: () => {} }, redis.probe],
      logger: silent,
      intervalMs: 20,
      onOutcome: (name, outcome) => seen.push(`${name}:${outcome.ok}`),
    });
    try {
      await expect.poll(() => redis.runs()).toBeGreaterThanOrEqual(1);
      expect(health.healthy()).toBe(true);
      redis.set(false);
      await expect.poll(() => health.healthy()).toBe(false);
      expect(seen).toContain('redis:false');
      expect(await health.check()).toMatchObject({ status: 'degraded', ok: false, node: 'n1', checks: { database: { ok: true }, redis: { ok: false } } });
      redis.set(true);
      await expect.poll(() => health.healthy()).toBe(true);
    } finally {
      health.close();
    }
  });

  it('joins a check already under way instead of probing twice', async () => {
    let runs = 0;
    const health = createHealthMonitor({
      node: 'n1',
      probes: [{ name: 'slow', check: async () => { runs++; await sleep(30); } }],
      logger: silent,
      intervalMs: 60_000,
    });
    try {
      await Promise.all([health.check(), health.check(), health.check()]);
      // One run at start-up (joined by all three calls).
      expect(runs).toBe(1);
    } finally {
      health.close();
    }
  });

  it('stops probing once closed', async () => {
    const probe = switchableProbe('database');
    const health = createHealthMonitor({ node: 'n1', probes: [probe.probe], logger: silent, intervalMs: 10 });
    health.close();
    const runsAtClose = probe.runs();
    await sleep(50);
    expect(probe.runs()).toBe(runsAtClose);
  });

  it('tells refused clients to come back after about one interval', () => {
    const health = createHealthMonitor({ node: 'n1', probes: [], logger: silent, intervalMs: 2_000 });
    health.close();
    expect(health.retryAfterSeconds).toBe(2);
  });
});

describe('createMetrics', () => {
  const base = { node: 'n1', logger: silent, socketsConnected: () => 0, boothMembers: () => ({}), probes: [], processMetrics: false };

  it('exports adapter lag only when the scaled mode gives a way to read it', async () => {
    expect(await createMetrics(base).scrape()).not.toContain('fair_adapter_lag_seconds');
    const withLag = await createMetrics({ ...base, adapterLag: () => 0.25 }).scrape();
    expect(withLag).toContain('fair_adapter_lag_seconds 0.25');
  });

  it('times every probe at each scrape, and keeps separate registries per app', async () => {
    const a = createMetrics({ ...base, probes: [{ name: 'redis', check: () => Promise.reject(new Error('down')) }] });
    const b = createMetrics({ ...base, node: 'n2' });
    const text = await a.scrape();
    expect(text).toContain('fair_dependency_up{dependency="redis"} 0');
    expect(text).toContain('fair_dependency_latency_seconds_count{dependency="redis"} 1');
    expect(await b.scrape()).not.toContain('redis');
  });

  it('leaves booth members out of a scrape when they cannot be read, rather than failing it', async () => {
    const text = await createMetrics({ ...base, boothMembers: () => Promise.reject(new Error('locked')) }).scrape();
    expect(text).toContain('fair_sockets_connected 0');
    expect(text).not.toMatch(/^fair_booth_members\{/m);
  });
});

describe('bearerTokenMatches', () => {
  const token = 'a-long-enough-metrics-token';
  it('accepts exactly "Bearer <token>"', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
  });
  it('refuses anything else', () => {
    for (const header of [undefined, '', token, `Bearer ${token} extra`, `Bearer ${token}x`, `Basic ${token}`, 'Bearer ']) {
      expect(bearerTokenMatches(header, token)).toBe(false);
    }
  });
});
