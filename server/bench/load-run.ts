/**
 * The moving parts `npm run bench` and `npm run soak` share: forked load workers, the server
 * process under test with its event-loop probe, and one measured run of members chatting.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHAT_RATE_MAX_MESSAGES, CHAT_RATE_WINDOW_MS } from '../../shared/limits.js';
import { startNode, stopChild, type ScaledSettings } from '../scripts/local-cluster.js';
import { freePort, killHard, startServerProcess } from '../test/process.js';
import { summarize, type TargetFigures } from './figures.js';
import { cpuSeconds, memoryKb } from './process-stats.js';
import type { LoopDelaySample } from './loop-probe.js';
import type { BenchMember, FromWorker, ToWorker } from './worker-messages.js';

export const OURS_ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));
export const BARE_ENTRY = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
const WORKER_ENTRY = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
export const PROBED_ENTRY = fileURLToPath(new URL('./probed-server.ts', import.meta.url));

/** Each member sends at most half the chat rate limit, so the limit never turns sends away. */
export const MEMBER_MAX_MSGS_PER_S = (CHAT_RATE_MAX_MESSAGES / (CHAT_RATE_WINDOW_MS / 1000)) / 2;

/** The chat rate asked for, capped so that no member has to send faster than MEMBER_MAX_MSGS_PER_S (and says so). */
export function cappedRate(rate: number, members: BenchMember[]): number {
  const senders = members.filter((m) => m.boothId !== null).length;
  const ratePerS = Math.min(rate, Number((senders * MEMBER_MAX_MSGS_PER_S).toFixed(2)));
  if (ratePerS < rate) progress(`rate capped at ${ratePerS} msg/s: ${senders} members in booths may send ${MEMBER_MAX_MSGS_PER_S}/s each`);
  return ratePerS;
}
/** Beyond the ramp, how long connecting and joining may take before the run gives up. */
const SETUP_GRACE_MS = 120_000;
/** Pause after setup, so join and lobby broadcasts are over before the chat is measured. */
const SETTLE_MS = 1_000;
/** After the last send, how long receipts must stop before the run stops waiting for missing ones. */
const DRAIN_QUIET_MS = 5_000;
const DRAIN_MAX_MS = 60_000;
const DRAIN_POLL_MS = 200;
const WORKER_ANSWER_MS = 30_000;
/** How long to wait for the server's probe to answer (its event loop may be busy). */
const LOOP_PROBE_WAIT_MS = 10_000;

/** How many members, over how many workers, connect over how long and chat for how long. */
export interface LoadShape {
  workers: number;
  ramp: number;
  duration: number;
}

/** Things a caller does while the chat runs (the soak's attacker and memory samples). */
export interface MeasureHooks {
  chatStarted?(server: ServerUnderTest): void;
  /** Awaited after the last send and before the drain. */
  chatEnded?(): Promise<void> | void;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const benchStarted = Date.now();
export const progress = (line: string) => process.stderr.write(`[bench +${((Date.now() - benchStarted) / 1000).toFixed(1)} s] ${line}\n`);

/** One forked load worker (load-worker.ts, or another speaking the same way) and a way to ask it something and await its answer. */
export function startWorker<To extends { type: string } = ToWorker, From extends { type: string } = FromWorker>(entry = WORKER_ENTRY) {
  const child: ChildProcess = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`load worker exited (${code}) while starting`)));
  });
  return {
    ready,
    ask<T extends From['type']>(message: To, answer: T, timeoutMs = WORKER_ANSWER_MS): Promise<Extract<From, { type: T }>> {
      return new Promise((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`load worker gave no '${answer}' within ${timeoutMs} ms`));
        }, timeoutMs);
        const onMessage = (reply: From) => {
          if (reply.type !== answer) return;
          cleanup();
          resolve(reply as Extract<From, { type: T }>);
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`load worker exited (${code}) before '${answer}'`));
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(message);
      });
    },
    async close(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await Promise.race([exited, sleep(3000)]);
      await killHard(child);
    },
  };
}
type LoadWorker = ReturnType<typeof startWorker<ToWorker, FromWorker>>;

/** Sums per-booth counts from several workers. */
function mergeCounts(parts: Record<string, number>[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const part of parts) for (const [key, n] of Object.entries(part)) total.set(key, (total.get(key) ?? 0) + n);
  return total;
}

/**
 * After the last send: waits until every ack is in and every member has every message (or
 * receipts have stopped for DRAIN_QUIET_MS, when some will never come), at most DRAIN_MAX_MS.
 */
async function drain(workers: LoadWorker[]): Promise<void> {
  const deadline = Date.now() + DRAIN_MAX_MS;
  let lastReceipts = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const states = await Promise.all(workers.map((w) => w.ask({ type: 'progress' }, 'progress')));
    const receipts = states.reduce((n, s) => n + s.receipts, 0);
    const pending = states.reduce((n, s) => n + s.pendingAcks, 0);
    const stable = mergeCounts(states.map((s) => s.stableByBooth));
    let expected = 0;
    for (const [boothId, acked] of mergeCounts(states.map((s) => s.ackedByBooth))) expected += acked * Math.max(0, (stable.get(boothId) ?? 0) - 1);
    if (pending === 0 && receipts >= expected) return;
    if (receipts !== lastReceipts) {
      lastReceipts = receipts;
      quietSince = Date.now();
    } else if (pending === 0 && Date.now() - quietSince >= DRAIN_QUIET_MS) {
      return;
    }
    await sleep(DRAIN_POLL_MS);
  }
  progress(`drain: still receiving after ${DRAIN_MAX_MS / 1000} s; counting what arrived`);
}

/** A server process under test, started with the event-loop delay probe. */
export interface ServerUnderTest {
  process: ChildProcess;
  url: string;
  loopFile: string;
}

/**
 * One node of a scaled fair (PostgreSQL + Redis, `settings`), with the probe: what `npm run
 * bench -- --nodes 2` starts, once per node.
 */
export async function startProbedNode(settings: ScaledSettings, id: string, loopFile: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const node = await startNode(settings, { id, port, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', BENCH_SERVER: OURS_ENTRY, BENCH_LOOP_FILE: loopFile } }, PROBED_ENTRY);
  return { process: node.process, url: `http://127.0.0.1:${port}`, loopFile };
}

/** With `cpuProfileDir`, the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools). */
export async function startProbedServer(entry: string, env: Record<string, string>, loopFile: string, cpuProfileDir?: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const nodeArgs = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = await startServerProcess({ ...env, PORT: String(port), BENCH_SERVER: entry, BENCH_LOOP_FILE: loopFile }, PROBED_ENTRY, nodeArgs);
  return { process: child, url: `http://127.0.0.1:${port}`, loopFile };
}

/** Reads the server's event-loop delay since the previous read (null if it did not answer). */
function loopDelayReader(server: ServerUnderTest) {
  let seq = 0;
  return async (): Promise<LoopDelaySample | null> => {
    seq++;
    server.process.kill('SIGUSR2');
    for (const deadline = Date.now() + LOOP_PROBE_WAIT_MS; Date.now() < deadline; await sleep(20)) {
      try {
        const sample = JSON.parse(readFileSync(server.loopFile, 'utf8')) as LoopDelaySample;
        if (sample.seq === seq) return sample;
      } catch {
        // not written yet
      }
    }
    return null;
  };
}

/** The worst of several servers' event-loop delays (null if any did not answer). */
function fleetLoopDelayReader(servers: ServerUnderTest[]) {
  const readers = servers.map(loopDelayReader);
  return async (): Promise<LoopDelaySample | null> => {
    const samples = await Promise.all(readers.map((read) => read()));
    if (samples.some((sample) => sample === null)) return null;
    return samples.reduce((worst, sample) => ({ seq: 0, p99Ms: Math.max(worst!.p99Ms, sample!.p99Ms), maxMs: Math.max(worst!.maxMs, sample!.maxMs) }), { seq: 0, p99Ms: 0, maxMs: 0 });
  };
}

/** SIGTERM first (a profiled server writes its profile), SIGKILL if it lingers. */
export async function stopServer(server: ChildProcess): Promise<void> {
  await stopChild(server, 5_000);
}

/** Extra figures of a run, measured beside the servers (the scaled mode's Redis). */
export interface MeasureExtras {
  /** Processes whose CPU during the chat is reported apart from the servers' (Redis). */
  sidecars?: { label: string; pid: number }[];
}

/**
 * Runs the whole load against one server process, or against several nodes of one fair with
 * the members split evenly over them, and measures it (CPU, memory and event-loop delay of all
 * the servers together: summed, summed, worst).
 */
export async function measure(
  label: string,
  startServers: () => Promise<ServerUnderTest | ServerUnderTest[]>,
  members: BenchMember[],
  options: LoadShape,
  ratePerS: number,
  hooks: MeasureHooks = {},
  extras: MeasureExtras = {},
): Promise<TargetFigures & { sidecarCpuPct: Record<string, number> }> {
  // The workers start while the servers do: both take a moment to load.
  const workers = Array.from({ length: options.workers }, () => startWorker());
  let servers: ServerUnderTest[] = [];
  try {
    const started = await startServers();
    servers = Array.isArray(started) ? started : [started];
    await Promise.all(workers.map((w) => w.ready));
    const urls = servers.map((server) => server.url);
    const pids = servers.map((server) => server.process.pid!);
    const cpuOfServers = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const rssOfServers = () => pids.reduce((sum, pid) => sum + memoryKb(pid).rssKb, 0);
    const loopDelay = fleetLoopDelayReader(servers);
    const rssBeforeKb = rssOfServers();
    progress(`${label}: connecting ${members.length} members over ${options.ramp} s`);
    await loopDelay();
    const setupStarted = Date.now();
    const setupCpuBefore = cpuOfServers();
    const setups = await Promise.all(
      workers.map((worker, i) =>
        worker.ask(
          { type: 'connect', workerId: i, urls, members: members.filter((_, j) => j % options.workers === i), rampMs: options.ramp * 1000 },
          'connected',
          options.ramp * 1000 + SETUP_GRACE_MS,
        ),
      ),
    );
    const setupS = (Date.now() - setupStarted) / 1000;
    const setupCpuSeconds = cpuOfServers() - setupCpuBefore;
    const setupLoop = await loopDelay();
    const failures: Record<string, number> = {};
    for (const [reason, n] of setups.flatMap((s) => Object.entries(s.failures))) failures[reason] = (failures[reason] ?? 0) + n;
    if (Object.keys(failures).length > 0) progress(`${label}: failures ${JSON.stringify(failures)}`);
    const retriedBusy = setups.reduce((n, s) => n + s.retriedBusy, 0);
    if (retriedBusy > 0) progress(`${label}: ${retriedBusy} connections were asked to come back later (SERVER_BUSY) and did`);
    progress(`${label}: ${setups.reduce((n, s) => n + s.connected, 0)} in place, ${setups.reduce((n, s) => n + s.failed, 0)} failed, in ${setupS.toFixed(1)} s`);
    await sleep(SETTLE_MS);
    const rssAfterKb = rssOfServers();

    progress(`${label}: chatting at ${ratePerS} msg/s for ${options.duration} s`);
    await loopDelay();
    const cpuBefore = cpuOfServers();
    const sidecars = extras.sidecars ?? [];
    const sidecarCpuBefore = sidecars.map(({ pid }) => cpuSeconds(pid));
    const chatStarted = performance.now();
    hooks.chatStarted?.(servers[0]!);
    await Promise.all(workers.map((w) => w.ask({ type: 'chat', ratePerS: ratePerS / options.workers, durationMs: options.duration * 1000 }, 'sent', options.duration * 1000 + WORKER_ANSWER_MS)));
    const chatCpuSeconds = cpuOfServers() - cpuBefore;
    const chatWallSeconds = (performance.now() - chatStarted) / 1000;
    const sidecarCpuPct = Object.fromEntries(sidecars.map(({ label: name, pid }, i) => [name, Number((((cpuSeconds(pid) - sidecarCpuBefore[i]!) / chatWallSeconds) * 100).toFixed(1))]));
    const chatLoop = await loopDelay();
    await hooks.chatEnded?.();
    await drain(workers);
    const reports = await Promise.all(workers.map((w) => w.ask({ type: 'report' }, 'report')));
    const peakRssKb = pids.reduce((sum, pid) => sum + memoryKb(pid).peakKb, 0);
    const figures = summarize(reports, { chatCpuSeconds, chatWallSeconds, peakRssKb, membersRssKb: rssAfterKb - rssBeforeKb, setupS, setupCpuSeconds, setupLoop, chatLoop });
    return { ...figures, sidecarCpuPct };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(servers.map((server) => stopServer(server.process)));
  }
}
