/**
 * `npm run soak`: members chatting for minutes while one hostile member floods every command
 * (100-message history pages, private flips, hand raise/lower, join/leave, chat, junk, more
 * sockets than allowed), and the same run without the attacker.
 * Prints, for each: the bystanders' chat:send ack p99, the server's RSS at the start, middle and
 * end of the chat and its peak, and messages lost (acked but not received by members who stayed).
 * A benchmark that prints figures, not a test. Loopback only.
 *
 *   npm run soak -- --members 500 --minutes 10            # the full soak, with and without
 *   npm run soak -- --members 200 --minutes 1 --attacker on
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startAttacker, type AttackerFigures } from './attacker.js';
import { prepareBenchFair } from './fair-setup.js';
import type { TargetFigures } from './figures.js';
import { cappedRate, measure, OURS_ENTRY, progress, startProbedServer, type ServerUnderTest } from './load-run.js';
import { memoryKb } from './process-stats.js';
import type { BenchMember } from './worker-messages.js';

/** Video is "on" so hands can be raised; nothing calls this address (nobody is granted). */
const VIDEO_ENV = { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'APIsoak', LIVEKIT_API_SECRET: 'soak-secret-with-at-least-32-characters!' };

const optionsSchema = z.object({
  members: z.coerce.number().int().min(2).max(20_000).default(500).describe('bystanders chatting'),
  minutes: z.coerce.number().positive().max(240).default(10).describe('minutes of chat per run (fractions allowed: 0.5)'),
  attacker: z.enum(['off', 'on', 'both']).default('both').describe('run with the hostile member, without, or both'),
  rate: z.coerce.number().positive().max(10_000).default(50).describe('chat messages per second, all bystanders together'),
  flood: z.coerce.number().positive().max(100_000).default(1000).describe("the attacker's commands per second"),
  ramp: z.coerce.number().min(0).max(600).default(10).describe('seconds over which bystanders connect'),
  workers: z.coerce.number().int().min(1).max(16).default(2).describe('load worker processes'),
  json: z.boolean().default(false).describe('print one JSON object and nothing else on stdout'),
});
type SoakOptions = z.infer<typeof optionsSchema>;

interface SoakFigures {
  attacker: 'off' | 'on';
  bystanders: TargetFigures;
  rssMb: { start: number; middle: number; end: number; peak: number };
  attack: AttackerFigures | null;
}

const toMb = (kb: number) => Number((kb / 1024).toFixed(1));

/** The booth most bystanders are in: where an attacker does most harm. */
function busiestBooth(members: BenchMember[]): number {
  const counts = new Map<number, number>();
  for (const { boothId } of members) if (boothId !== null) counts.set(boothId, (counts.get(boothId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

async function soakOnce(options: SoakOptions, withAttacker: boolean): Promise<SoakFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'fair-soak-'));
  try {
    const label = withAttacker ? 'with attacker' : 'without attacker';
    progress(`${label}: preparing a fresh fair with ${options.members} members and one attacker account`);
    const everyone = await prepareBenchFair(join(dir, 'fair.db'), options.members + 1);
    const attackerMember = everyone.pop()!;
    const members = everyone;
    const boothId = busiestBooth(members);
    const ratePerS = cappedRate(options.rate, members);
    const env = { DATABASE_PATH: join(dir, 'fair.db'), SEED_DEMO: 'true', NODE_ENV: 'production', LOG_LEVEL: 'error', ...VIDEO_ENV };

    const durationS = options.minutes * 60;
    let pid = 0;
    const rss = { start: 0, middle: 0, end: 0 };
    let middleTimer: NodeJS.Timeout | undefined;
    let attack: ReturnType<typeof startAttacker> | null = null;
    let attackFigures: AttackerFigures | null = null;
    const bystanders = await measure(
      label,
      () => startProbedServer(OURS_ENTRY, env, join(dir, 'loop.json')),
      members,
      { workers: options.workers, ramp: options.ramp, duration: durationS },
      ratePerS,
      {
        chatStarted(server: ServerUnderTest) {
          pid = server.process.pid!;
          rss.start = memoryKb(pid).rssKb;
          middleTimer = setTimeout(() => (rss.middle = memoryKb(pid).rssKb), (durationS * 1000) / 2);
          if (withAttacker) attack = startAttacker(server.url, attackerMember.token, boothId, options.flood);
        },
        chatEnded() {
          clearTimeout(middleTimer);
          rss.end = memoryKb(pid).rssKb;
          attackFigures = attack?.stop() ?? null;
        },
      },
    );
    return {
      attacker: withAttacker ? 'on' : 'off',
      bystanders,
      rssMb: { start: toMb(rss.start), middle: toMb(rss.middle), end: toMb(rss.end), peak: bystanders.peakRssMb },
      attack: attackFigures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(options: SoakOptions, runs: SoakFigures[], loadAtStart: number): void {
  type Cell = string | number | boolean | null;
  const cell = (value: Cell) => String(value ?? 'n/a').padStart(18);
  const row = (name: string, pick: (run: SoakFigures) => Cell) => `${name.padEnd(40)}${runs.map((run) => cell(pick(run))).join('')}`;
  const attack = (pick: (a: AttackerFigures) => Cell) => (run: SoakFigures) => (run.attack ? pick(run.attack) : '');
  const lines = [
    `Digital Fair soak: ${options.members} members chatting for ${options.minutes} min at up to ${options.rate} msg/s; attacker floods ${options.flood} commands/s`,
    `machine: ${cpus().length} cores, Node ${process.version}; load average when the run began: ${loadAtStart.toFixed(2)}`,
    '',
    `${''.padEnd(40)}${runs.map((run) => cell(`attacker ${run.attacker}`)).join('')}`,
    row('bystanders connected', (r) => r.bystanders.connected),
    row('bystanders dropped', (r) => r.bystanders.dropped),
    row('chat:send ack p99 (ms)', (r) => r.bystanders.ackP99Ms),
    row('delivery latency p99 (ms)', (r) => r.bystanders.p99Ms),
    row('messages acked', (r) => r.bystanders.acked),
    row('messages lost', (r) => r.bystanders.lost),
    row('server RSS at start of chat (MB)', (r) => r.rssMb.start),
    row('server RSS in the middle (MB)', (r) => r.rssMb.middle),
    row('server RSS at the end (MB)', (r) => r.rssMb.end),
    row('server peak RSS (MB)', (r) => r.rssMb.peak),
    row('server CPU (% of a core)', (r) => r.bystanders.cpuPct),
    row('event-loop delay p99 (ms)', (r) => r.bystanders.loopDelayP99Ms),
    row('attacker commands sent (while connected)', attack((a) => a.commandsSent)),
    row('  answered ok', attack((a) => a.answeredOk)),
    row('  RATE_LIMITED', attack((a) => a.rateLimited)),
    row('  other errors', attack((a) => a.otherErrors)),
    row('  unanswered (socket cut off)', attack((a) => a.unanswered)),
    row('attacker sockets cut off', attack((a) => a.disconnects)),
    row('attacker handshakes refused', attack((a) => JSON.stringify(a.refusedConnects))),
  ];
  console.log(lines.join('\n'));
}

const { values } = parseArgs({
  options: {
    members: { type: 'string' },
    minutes: { type: 'string' },
    attacker: { type: 'string' },
    rate: { type: 'string' },
    flood: { type: 'string' },
    ramp: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const parsed = optionsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`soak: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
try {
  const options = parsed.data;
  const loadAtStart = loadavg()[0]!;
  const modes = options.attacker === 'both' ? [false, true] : [options.attacker === 'on'];
  const runs: SoakFigures[] = [];
  for (const withAttacker of modes) runs.push(await soakOnce(options, withAttacker));
  if (options.json) console.log(JSON.stringify(runs));
  else printTable(options, runs, loadAtStart);
  process.exit(0);
} catch (err) {
  console.error('soak failed:', err);
  process.exit(1);
}
