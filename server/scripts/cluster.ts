/**
 * `npm run cluster -- --nodes 3`: the scaled mode on this machine, as in production. Against
 * the local PostgreSQL and Redis (DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX from the
 * environment, or local defaults), it creates the database if missing, migrates it and seeds
 * the demo fair once, starts N nodes (NODE_ID node-1…, ports from --first-node-port), runs
 * nginx in front of them from a temporary directory, prints the address, and forwards every
 * log line with its node's name. A node that dies is reported (nginx sends its members to the
 * others). Ctrl-C (SIGINT) or SIGTERM stops nginx and every node.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { sessionCookieFor } from '../auth/cookies.js';
import { redactUrl } from '../config.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../seed/demo.js';
import { checkRedis, exited, forwardLines, installed, portIsFree, prepareScaledDatabase, startNginx, startNode, stopChild, type RunningNginx } from './local-cluster.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/digital_fair_cluster';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** How long nodes and nginx get to stop on their own before SIGKILL. */
const STOP_GRACE_MS = 10_000;

const optionsSchema = z.object({
  nodes: z.coerce.number().int().min(1).max(16).default(3).describe('how many nodes'),
  port: z.coerce.number().int().min(1).max(65535).default(8080).describe('where nginx listens (127.0.0.1)'),
  'first-node-port': z.coerce.number().int().min(1).max(65535).default(3001).describe('node-1 listens here, node-2 on the next port, and so on'),
});

const say = (line: string) => console.log(`[cluster] ${line}`);

const { values } = parseArgs({ options: { nodes: { type: 'string' }, port: { type: 'string' }, 'first-node-port': { type: 'string' } } });
const parsed = optionsSchema.safeParse(values);
if (!parsed.success) {
  console.error(`cluster: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const options = parsed.data;
const env = {
  databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  redisKeyPrefix: process.env.REDIS_KEY_PREFIX ?? 'fair:',
  // Plain HTTP here: production's session cookie is Secure-only and would never come back.
  nodeEnv: process.env.NODE_ENV === 'test' ? ('test' as const) : ('development' as const),
};
const nodePorts = Array.from({ length: options.nodes }, (_, i) => options['first-node-port'] + i);

const nodes: { id: string; port: number; child: ChildProcess }[] = [];
let nginx: RunningNginx | undefined;
let runtimeDir: string | undefined;
let stopping = false;

/** Stops nginx first (no new requests reach a stopping node), then every node; second Ctrl-C: SIGKILL at once. */
async function stopAll(code: number): Promise<never> {
  if (stopping) {
    for (const { child } of nodes) child.kill('SIGKILL');
    nginx?.process.kill('SIGKILL');
    process.exit(code || 130);
  }
  stopping = true;
  say('stopping nginx and the nodes…');
  await nginx?.stop();
  await Promise.all(nodes.map(({ child }) => stopChild(child, STOP_GRACE_MS)));
  if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
// Whatever ends this process, no node or nginx is left behind.
process.on('exit', () => {
  for (const { child } of nodes) if (!exited(child)) child.kill('SIGKILL');
  if (nginx && !exited(nginx.process)) nginx.process.kill('SIGKILL');
});

/** Keeps the node for stopping, and says so if it dies while the cluster runs. */
function watchNode(id: string, port: number, child: ChildProcess): void {
  nodes.push({ id, port, child });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const left = nodes.filter((node) => !exited(node.child)).length;
    say(`${id} stopped unexpectedly (${signal ?? `exit code ${code}`}); ${left} of ${nodes.length} nodes left serving`);
  });
}

async function start(): Promise<void> {
  if (!installed('nginx')) throw new Error("nginx is not installed (Debian: apt-get install nginx); the nodes need it in front of them.");
  for (const port of [options.port, ...nodePorts]) if (!(await portIsFree(port))) throw new Error(`port ${port} is in use (choose others with --port and --first-node-port)`);

  await checkRedis(env.redisUrl);
  const prepared = await prepareScaledDatabase(env.databaseUrl, { seed: true });
  say(`database ${redactUrl(env.databaseUrl)}${prepared.created ? ' (created)' : ''}: migrated${prepared.seeded ? ', demo fair seeded' : ''}; Redis ${redactUrl(env.redisUrl)}, keys under "${env.redisKeyPrefix}"`);

  const settings = { databaseUrl: env.databaseUrl, redisUrl: env.redisUrl, redisKeyPrefix: env.redisKeyPrefix };
  await Promise.all(
    nodePorts.map((port, i) =>
      startNode(settings, {
        id: `node-${i + 1}`,
        port,
        env: { NODE_ENV: env.nodeEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', PUBLIC_URL: `http://localhost:${options.port}` },
        onLine: (line, stream) => (stream === 'stdout' ? console.log(line) : console.error(line)),
        onSpawn: (child) => watchNode(`node-${i + 1}`, port, child),
      }),
    ),
  );
  for (const { id, port, child } of nodes) say(`${id}: pid ${child.pid}, http://127.0.0.1:${port}`);

  runtimeDir = mkdtempSync(join(tmpdir(), 'fair-cluster-nginx-'));
  nginx = await startNginx({ nodes: nodePorts, listen: `127.0.0.1:${options.port}`, port: options.port, runtimeDir, sessionCookie: sessionCookieFor(env.nodeEnv).name });
  forwardLines(nginx.process.stderr, '[nginx]', (line) => console.error(line));
  nginx.process.once('exit', (code, signal) => {
    if (stopping) return;
    say(`nginx stopped unexpectedly (${signal ?? `exit code ${code}`})`);
    void stopAll(1);
  });
  say(`nginx: pid ${nginx.process.pid}, logs in ${runtimeDir}`);

  console.log(
    [
      `Digital Fair (${options.nodes} node${options.nodes === 1 ? '' : 's'} behind nginx) is running at http://localhost:${options.port}`,
      `Demo fair: sign in with any of these (password "${DEMO_PASSWORD}"):`,
      ...DEMO_ACCOUNTS.map((account) => `  ${account.email.padEnd(22)} ${account.role}`),
      'Ctrl-C stops nginx and every node.',
    ].join('\n'),
  );
}

try {
  await start();
} catch (err) {
  console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll(1);
}
