/**
 * `npm run bench -- --nodes 2`: the scaled mode under the load of `npm run bench`, beside one
 * node from the same run. Three targets, one after the other, each on a fresh fair:
 *   - one node, embedded (SQLite file, no Redis): today's default;
 *   - one node on PostgreSQL + Redis (the adapter and the database, no second node);
 *   - N nodes on PostgreSQL + Redis, the members split evenly over them.
 * Then the failover figure (failover.ts). Redis is a private redis-server when one is installed,
 * so its CPU is measured too; PostgreSQL's CPU is not counted (its backends come and go with the
 * pool). On a 2-core machine N nodes share the same cores: this shows what the adapter costs, not
 * more capacity; the capacity per added node is estimated from node CPU per delivery.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropRedisKeys, installed, startRedisServer, type ScaledSettings } from '../scripts/local-cluster.js';
import { createTestDatabase } from '../test/pg-database.js';
import { freePort } from '../test/process.js';
import { measureFailover, type FailoverFigures } from './failover.js';
import { prepareBenchFair } from './fair-setup.js';
import { ratio, type TargetFigures } from './figures.js';
import { cappedRate, measure, OURS_ENTRY, progress, startProbedNode, startProbedServer, stopServer, type ServerUnderTest } from './load-run.js';
import type { BenchOptions } from './run.js';

type Figures = TargetFigures & { sidecarCpuPct: Record<string, number> };

/** Node CPU per message delivered, in microseconds: the cost that adding nodes spreads. */
const cpuPerDeliveryUs = (figures: Figures) => (figures.deliveredPerS > 0 ? Math.round(((figures.cpuPct / 100) * 1e6) / figures.deliveredPerS) : null);
const redisPerDeliveryUs = (figures: Figures) =>
  figures.deliveredPerS > 0 && figures.sidecarCpuPct.redis !== undefined ? Math.round(((figures.sidecarCpuPct.redis / 100) * 1e6) / figures.deliveredPerS) : null;

/** Starts `count` nodes one after the other; if one fails, stops those already up. */
async function startFleet(settings: ScaledSettings, count: number, dir: string): Promise<ServerUnderTest[]> {
  const fleet: ServerUnderTest[] = [];
  try {
    for (let i = 1; i <= count; i++) fleet.push(await startProbedNode(settings, `node-${i}`, join(dir, `node-${i}-loop.json`)));
    return fleet;
  } catch (err) {
    await Promise.all(fleet.map((server) => stopServer(server.process)));
    throw err;
  }
}

/** A fresh PostgreSQL database and Redis prefix for one target, dropped afterwards. */
async function withScaledFair<T>(redisUrl: string, run: (settings: ScaledSettings) => Promise<T>): Promise<T> {
  const database = await createTestDatabase();
  if (!database) throw new Error('--nodes needs PostgreSQL (TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), and it does not answer');
  const settings = { databaseUrl: database.url, redisUrl, redisKeyPrefix: `fair-bench:${randomBytes(4).toString('hex')}:` };
  try {
    return await run(settings);
  } finally {
    await database.drop();
    await dropRedisKeys(redisUrl, settings.redisKeyPrefix);
  }
}

function printScaledTable(options: BenchOptions, ratePerS: number, loadAtStart: number, columns: [string, Figures][], failover: FailoverFigures | null): void {
  const [one, oneScaled, many] = columns.map(([, figures]) => figures) as [Figures, Figures, Figures];
  const rows: [string, (figures: Figures) => number | null, boolean][] = [
    ['connected members', (f) => f.connected, false],
    ['failed connections', (f) => f.failed, false],
    ['dropped connections', (f) => f.dropped, false],
    ['latency p50 (ms)', (f) => f.p50Ms, true],
    ['latency p99 (ms)', (f) => f.p99Ms, true],
    ['latency max (ms)', (f) => f.maxMs, true],
    ['ack p99 (ms)', (f) => f.ackP99Ms, true],
    ['delivered msgs/s', (f) => f.deliveredPerS, true],
    ['acked messages', (f) => f.acked, false],
    ['lost messages', (f) => f.lost, false],
    ['node CPU, all nodes (% of a core)', (f) => f.cpuPct, true],
    ['node CPU per delivery (µs)', cpuPerDeliveryUs, true],
    ['Redis CPU (% of a core)', (f) => f.sidecarCpuPct.redis ?? null, false],
    ['Redis CPU per delivery (µs)', redisPerDeliveryUs, false],
    ['event-loop delay p99, worst node (ms)', (f) => f.loopDelayP99Ms, true],
    ['peak RSS, all nodes (MB)', (f) => f.peakRssMb, true],
    ['connect + join (s)', (f) => f.setupS, true],
  ];
  const width = 20;
  const cell = (value: number | string | null) => String(value ?? 'n/a').padStart(width);
  const nodes = `${options.nodes} nodes`;
  const lines = [
    `Digital Fair bench, scaled mode: ${options.members} members, ${ratePerS} msg/s for ${options.duration} s, ramp ${options.ramp} s, ${options.workers} load workers`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}; load average when the run began: ${loadAtStart.toFixed(2)}`,
    '',
    `${''.padEnd(40)}${columns.map(([label]) => cell(label)).join('')}${cell(`${nodes}/SQLite`)}${cell(`${nodes}/1 scaled`)}`,
    ...rows.map(([name, pick, withRatio]) => {
      const ratios = withRatio ? [ratio(pick(many), pick(one)), ratio(pick(many), pick(oneScaled))] : [null, null];
      return `${name.padEnd(40)}${cell(pick(one))}${cell(pick(oneScaled))}${cell(pick(many))}${withRatio ? ratios.map((r) => cell(r)).join('') : ''}`;
    }),
    '',
    `The ${options.nodes} nodes share this machine's ${cpus().length} cores: these figures show what the adapter (Redis streams) and PostgreSQL cost, not more capacity.`,
  ];
  const perDelivery = cpuPerDeliveryUs(many);
  if (perDelivery !== null) {
    const redisUs = redisPerDeliveryUs(many);
    lines.push(
      `Capacity estimate: at ${perDelivery} µs of node CPU per delivery, each added node with one core of its own adds about ${Math.round(1e6 / perDelivery)} deliveries/s` +
        (redisUs !== null && redisUs > 0
          ? `; Redis, shared by all nodes, spends ${redisUs} µs per delivery, so one Redis core carries about ${Math.round(1e6 / redisUs)} deliveries/s in all`
          : '') +
        ' (at a small load, fixed costs such as timers and health checks weigh more per delivery: read it from a big run).',
    );
  }
  if (failover) {
    lines.push(
      '',
      `Failover: ${failover.onKilledNode} members in place on a node that was SIGKILLed, reconnecting ${failover.via === 'nginx' ? 'through nginx' : 'straight to the other node (no nginx)'} with the browser client's backoff:`,
      `  last one back in their booth after ${failover.lastBackS ?? 'n/a'} s (median ${failover.medianBackS ?? 'n/a'} s)${failover.notBack > 0 ? `; ${failover.notBack} not back` : ''}; the surviving node spent ${failover.survivorCpuS} CPU s taking them in.`,
    );
  }
  console.log(lines.join('\n'));
}

export async function runScaledBench(options: BenchOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fair-bench-'));
  const loadAtStart = loadavg()[0]!;
  // A Redis of the bench's own: its CPU is measured, and nothing else's keys are near it.
  const redis = installed('redis-server') ? await startRedisServer(await freePort()) : null;
  const redisUrl = redis?.url ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!redis) progress(`no redis-server on PATH: using ${redisUrl}; Redis CPU is not measured`);
  const sidecars = redis ? [{ label: 'redis', pid: redis.process.pid! }] : [];
  try {
    progress(`one node, SQLite: preparing a fresh fair with ${options.members} members`);
    const members = await prepareBenchFair(join(dir, 'fair.db'), options.members);
    const ratePerS = cappedRate(options.rate, members);
    const oursEnv = { DATABASE_PATH: join(dir, 'fair.db'), SEED_DEMO: 'true', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
    const one = await measure('1 node (SQLite)', () => startProbedServer(OURS_ENTRY, oursEnv, join(dir, 'one-loop.json')), members, options, ratePerS);

    const scaledRun = (count: number, label: string) =>
      withScaledFair(redisUrl, async (settings) => {
        progress(`${label}: preparing a fresh fair on PostgreSQL with ${options.members} members`);
        const scaledMembers = await prepareBenchFair({ databaseUrl: settings.databaseUrl }, options.members);
        return measure(label, () => startFleet(settings, count, dir), scaledMembers, options, ratePerS, {}, { sidecars });
      });
    const oneScaled = await scaledRun(1, '1 node (PG + Redis)');
    const many = await scaledRun(options.nodes, `${options.nodes} nodes (PG + Redis)`);

    const failover =
      options['failover-members'] > 0
        ? await withScaledFair(redisUrl, async (settings) => {
            progress(`failover: preparing a fresh fair on PostgreSQL with ${options['failover-members']} members`);
            const failoverMembers = await prepareBenchFair({ databaseUrl: settings.databaseUrl }, options['failover-members']);
            return measureFailover(settings, failoverMembers, { workers: options.workers, ramp: options.ramp });
          })
        : null;

    const columns: [string, Figures][] = [
      ['1 node SQLite', one],
      ['1 node PG+Redis', oneScaled],
      [`${options.nodes} nodes PG+Redis`, many],
    ];
    if (options.json) console.log(JSON.stringify({ oneNodeSqlite: one, oneNodeScaled: oneScaled, nodes: many, failover }));
    else printScaledTable(options, ratePerS, loadAtStart, columns, failover);
  } finally {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
