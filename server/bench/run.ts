/**
 * `npm run bench`: the fair under load, side by side with bare Socket.IO.
 *
 * Puts the real server (server/index.ts, own process, fresh SQLite file, demo fair) and then a
 * bare Socket.IO broadcaster (bare-server.ts, own process) under the identical load: members
 * as real socket.io-client connections spread over forked load workers, in booths like a real
 * fair, chatting at a total rate. Prints both sets of figures and their ratios (or, with
 * --json, one object `{ ours, bare, ratio }` and nothing else on stdout). Loopback only.
 *
 * `npm run bench -- --nodes 2`: the scaled mode instead (scaled-run.ts): the same load on one
 * node (SQLite), one node on PostgreSQL + Redis, and two nodes with the members split over
 * them, side by side, then the failover figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { prepareBenchFair } from './fair-setup.js';
import { ratio, type TargetFigures } from './figures.js';
import { BARE_ENTRY, cappedRate, measure, OURS_ENTRY, progress, startProbedServer } from './load-run.js';
import { runScaledBench } from './scaled-run.js';

export const optionsSchema = z.object({
  nodes: z.coerce.number().int().min(1).max(4).default(1).describe('1: ours against bare Socket.IO; 2 or more: the scaled mode (PostgreSQL + Redis) against one node'),
  'failover-members': z.coerce.number().int().min(0).max(20_000).default(1000).describe('with --nodes 2+: members on the node that is killed for the failover figure (0: skip it)'),
  members: z.coerce.number().int().min(1).max(20_000).default(2000).describe('simulated members'),
  rate: z.coerce.number().positive().max(10_000).default(50).describe('chat messages per second, all members together'),
  duration: z.coerce.number().positive().max(3600).default(30).describe('seconds of chat'),
  ramp: z.coerce.number().min(0).max(600).default(10).describe('seconds over which members connect'),
  workers: z.coerce.number().int().min(1).max(16).default(2).describe('load worker processes'),
  json: z.boolean().default(false).describe('print one JSON object and nothing else on stdout'),
  'cpu-prof': z.string().optional().describe('directory where both servers write V8 CPU profiles'),
  sweep: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'a comma-separated list of member counts')
    .optional()
    .describe('member counts to run one after another, arriving at the same rate (members/ramp), printing server CPU per arriving member at each'),
});
export type BenchOptions = z.infer<typeof optionsSchema>;

function printTable(options: BenchOptions, ratePerS: number, loadAtStart: number, ours: TargetFigures, bare: TargetFigures): void {
  const rows: [string, keyof TargetFigures, boolean][] = [
    ['connected members', 'connected', false],
    ['failed connections', 'failed', false],
    ['dropped connections', 'dropped', false],
    ['latency p50 (ms)', 'p50Ms', true],
    ['latency p95 (ms)', 'p95Ms', true],
    ['latency p99 (ms)', 'p99Ms', true],
    ['latency max (ms)', 'maxMs', true],
    ['ack p99 (ms)', 'ackP99Ms', true],
    ['delivered msgs/s', 'deliveredPerS', true],
    ['acked messages', 'acked', false],
    ['lost messages', 'lost', false],
    ['server CPU (% of a core)', 'cpuPct', true],
    ['server peak RSS (MB)', 'peakRssMb', true],
    ['memory per member (KB)', 'kbPerMember', true],
    ['event-loop delay p99 (ms)', 'loopDelayP99Ms', true],
    ['event-loop delay max (ms)', 'loopDelayMaxMs', true],
    ['connect + join (s)', 'setupS', true],
    ['server CPU for connect + join (s)', 'setupCpuS', true],
    ['  event-loop delay max (ms)', 'setupLoopDelayMaxMs', true],
    ['busiest load worker CPU (%)', 'loadCpuPct', false],
  ];
  const lines = [
    `Digital Fair bench: ${options.members} members, ${ratePerS} msg/s for ${options.duration} s, ramp ${options.ramp} s, ${options.workers} load workers`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}; load average when the run began: ${loadAtStart.toFixed(2)}`,
    '',
    `${''.padEnd(34)}${'ours'.padStart(12)}${'bare'.padStart(12)}${'ours/bare'.padStart(12)}`,
    ...rows.map(([name, key, withRatio]) => {
      const r = withRatio ? ratio(ours[key], bare[key]) : null;
      return `${name.padEnd(34)}${String(ours[key] ?? 'n/a').padStart(12)}${String(bare[key] ?? 'n/a').padStart(12)}${(r === null ? '' : String(r)).padStart(12)}`;
    }),
  ];
  console.log(lines.join('\n'));
}

async function runBench(options: BenchOptions & { quiet?: boolean }): Promise<{ ours: TargetFigures; bare: TargetFigures; ratio: { p99: number | null; deliveredPerS: number | null } }> {
  const dir = mkdtempSync(join(tmpdir(), 'fair-bench-'));
  // Other work on the machine shows up in every figure: say how busy it was.
  const loadAtStart = loadavg()[0]!;
  try {
    progress(`preparing a fresh fair with ${options.members} members`);
    const members = await prepareBenchFair(join(dir, 'fair.db'), options.members);
    const ratePerS = cappedRate(options.rate, members);

    const oursEnv = { DATABASE_PATH: join(dir, 'fair.db'), SEED_DEMO: 'true', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
    const ours = await measure('ours', () => startProbedServer(OURS_ENTRY, oursEnv, join(dir, 'ours-loop.json'), options['cpu-prof']), members, options, ratePerS);
    const bare = await measure('bare', () => startProbedServer(BARE_ENTRY, {}, join(dir, 'bare-loop.json'), options['cpu-prof']), members, options, ratePerS);

    const result = { ours, bare, ratio: { p99: ratio(ours.p99Ms, bare.p99Ms), deliveredPerS: ratio(ours.deliveredPerS, bare.deliveredPerS) } };
    if (options.quiet) return result;
    if (options.json) console.log(JSON.stringify(result));
    else printTable(options, ratePerS, loadAtStart, ours, bare);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `--sweep 1000,2500,5000,10000`: one run per size, members arriving at the same rate (the
 * --members/--ramp rate), a short chat, and the server CPU each arriving member cost. Flat
 * figures mean arrival is linear; a cost that grows with the size is quadratic somewhere.
 */
async function runSweep(options: BenchOptions, sizes: number[]): Promise<void> {
  const arrivalsPerS = options.ramp > 0 ? options.members / options.ramp : 500;
  const rows: { size: number; ramp: number; ours: TargetFigures; bare: TargetFigures }[] = [];
  for (const size of sizes) {
    const ramp = Number((size / arrivalsPerS).toFixed(1));
    progress(`sweep: ${size} members over ${ramp} s`);
    // A short chat: the sweep is about arriving.
    const { ours, bare } = await runBench({ ...options, members: size, ramp, duration: Math.min(options.duration, 5), json: true, quiet: true });
    rows.push({ size, ramp, ours, bare });
  }
  const perMemberMs = (figures: TargetFigures, size: number) => (figures.setupCpuS === null ? null : Number(((figures.setupCpuS * 1000) / size).toFixed(3)));
  const lines = [
    `Digital Fair arrival sweep: ${arrivalsPerS.toFixed(0)} members arriving per second, ${options.workers} load workers`,
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`,
    '',
    `${'members'.padEnd(10)}${'ramp s'.padStart(8)}${'failed'.padStart(8)}${'ours ms CPU/member'.padStart(20)}${'bare ms CPU/member'.padStart(20)}${'ours/bare'.padStart(11)}${'loop max ms'.padStart(13)}`,
    ...rows.map(({ size, ramp, ours, bare }) => {
      const o = perMemberMs(ours, size);
      const b = perMemberMs(bare, size);
      return `${String(size).padEnd(10)}${String(ramp).padStart(8)}${String(ours.failed).padStart(8)}${String(o).padStart(20)}${String(b).padStart(20)}${String(ratio(o, b) ?? 'n/a').padStart(11)}${String(ours.setupLoopDelayMaxMs ?? 'n/a').padStart(13)}`;
    }),
  ];
  const ours = rows.map((row) => perMemberMs(row.ours, row.size) ?? 0);
  const smallest = ours[0]!;
  const largest = ours.at(-1)!;
  lines.push('', `ours, largest size against smallest: ${smallest > 0 ? (largest / smallest).toFixed(2) : 'n/a'}× CPU per arriving member (flat is linear)`);
  if (options.json) console.log(JSON.stringify(rows));
  else console.log(lines.join('\n'));
}

const { values } = parseArgs({
  options: {
    nodes: { type: 'string' },
    'failover-members': { type: 'string' },
    members: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    ramp: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
    'cpu-prof': { type: 'string' },
    sweep: { type: 'string' },
  },
});
const parsed = optionsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`bench: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
try {
  if (parsed.data.nodes > 1) await runScaledBench(parsed.data);
  else if (parsed.data.sweep) await runSweep(parsed.data, parsed.data.sweep.split(',').map(Number));
  else await runBench(parsed.data);
  process.exit(0);
} catch (err) {
  console.error('bench failed:', err);
  process.exit(1);
}
