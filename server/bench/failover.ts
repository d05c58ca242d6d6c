/**
 * The failover figure of `npm run bench -- --nodes 2`: N members in place on one node (each in
 * its booth, or in the lobby), that node SIGKILLed, and the seconds until the last of them is
 * back in their booth on the other node, reconnecting through nginx as browsers would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESSION_COOKIE_PRODUCTION } from '../auth/cookies.js';
import { installed, startNginx, startNode, type RunningNginx, type ScaledSettings } from '../scripts/local-cluster.js';
import { freePort, killHard } from '../test/process.js';
import type { FromFailoverWorker, ToFailoverWorker } from './failover-worker.js';
import { progress, sleep, startWorker, stopServer } from './load-run.js';
import { cpuSeconds } from './process-stats.js';
import type { BenchMember } from './worker-messages.js';

const FAILOVER_WORKER_ENTRY = fileURLToPath(new URL('./failover-worker.ts', import.meta.url));
/** Beyond the ramp, how long connecting may take. */
const SETUP_GRACE_MS = 120_000;
/** Members not back after this are counted as not back. */
const RECOVERY_MAX_MS = 180_000;
const POLL_MS = 200;

export interface FailoverFigures {
  /** Members in place on the node before it was killed. */
  onKilledNode: number;
  /** Seconds from the SIGKILL to the last of them back in their booth (null: some never came back). */
  lastBackS: number | null;
  medianBackS: number | null;
  notBack: number;
  /** Through nginx (as in production), or straight to the surviving node when nginx is missing. */
  via: 'nginx' | 'direct';
  /** CPU seconds the surviving node spent taking them in. */
  survivorCpuS: number;
}

const round = (value: number) => Number(value.toFixed(2));

export async function measureFailover(settings: ScaledSettings, members: BenchMember[], options: { workers: number; ramp: number }): Promise<FailoverFigures> {
  const [victimPort, survivorPort] = [await freePort(), await freePort()];
  const nodeEnv = { NODE_ENV: 'production', LOG_LEVEL: 'error' };
  const started: Awaited<ReturnType<typeof startNode>>[] = [];
  const workers = Array.from({ length: options.workers }, () => startWorker<ToFailoverWorker, FromFailoverWorker>(FAILOVER_WORKER_ENTRY));
  let nginx: RunningNginx | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'fair-bench-nginx-'));
  try {
    progress('failover: starting two nodes');
    started.push(await startNode(settings, { id: 'node-1', port: victimPort, env: nodeEnv }));
    started.push(await startNode(settings, { id: 'node-2', port: survivorPort, env: nodeEnv }));
    const [victim, survivor] = started as [(typeof started)[0], (typeof started)[0]];
    let reconnectUrl = `http://127.0.0.1:${survivorPort}`;
    if (installed('nginx')) {
      const port = await freePort();
      nginx = await startNginx({ nodes: [victimPort, survivorPort], listen: `127.0.0.1:${port}`, port, runtimeDir: dir, sessionCookie: SESSION_COOKIE_PRODUCTION });
      reconnectUrl = `http://127.0.0.1:${port}`;
    } else {
      progress('failover: no nginx on PATH; members reconnect straight to the surviving node');
    }
    await Promise.all(workers.map((worker) => worker.ready));

    progress(`failover: ${members.length} members into place on node-1 over ${options.ramp} s`);
    const setups = await Promise.all(
      workers.map((worker, i) =>
        worker.ask(
          { type: 'connect', url: `http://127.0.0.1:${victimPort}`, reconnectUrl, members: members.filter((_, j) => j % options.workers === i), rampMs: options.ramp * 1000 },
          'connected',
          options.ramp * 1000 + SETUP_GRACE_MS,
        ),
      ),
    );
    const onKilledNode = setups.reduce((n, s) => n + s.connected, 0);
    progress(`failover: ${onKilledNode} in place, ${setups.reduce((n, s) => n + s.failed, 0)} failed; SIGKILL node-1`);
    await sleep(1_000);

    const cpuBefore = cpuSeconds(survivor.process.pid!);
    const killedAt = Date.now();
    await killHard(victim.process);
    let back: number[] = [];
    while (Date.now() - killedAt < RECOVERY_MAX_MS) {
      const states = await Promise.all(workers.map((worker) => worker.ask({ type: 'progress' }, 'progress')));
      back = states.flatMap((state) => state.members.flatMap((member) => (member.backAtMs === null ? [] : [member.backAtMs - killedAt])));
      if (back.length >= onKilledNode) break;
      await sleep(POLL_MS);
    }
    const survivorCpuS = round(cpuSeconds(survivor.process.pid!) - cpuBefore);
    back.sort((a, b) => a - b);
    const notBack = onKilledNode - back.length;
    progress(`failover: ${back.length} of ${onKilledNode} back${notBack > 0 ? `, ${notBack} not within ${RECOVERY_MAX_MS / 1000} s` : ''}`);
    return {
      onKilledNode,
      lastBackS: notBack === 0 && back.length > 0 ? round(back.at(-1)! / 1000) : null,
      medianBackS: back.length > 0 ? round(back[Math.floor(back.length / 2)]! / 1000) : null,
      notBack,
      via: nginx ? 'nginx' : 'direct',
      survivorCpuS,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await nginx?.stop();
    await Promise.all(started.map((node) => stopServer(node.process)));
    rmSync(dir, { recursive: true, force: true });
  }
}
