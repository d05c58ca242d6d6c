/**
 * The moving parts of a fair run like production on one machine, shared by `npm run cluster`,
 * `npm run bench -- --nodes 2` and the multi-node tests: PostgreSQL made ready once, node
 * processes, nginx in front of them, a private Redis, and stopping all of it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { createClient } from 'redis';
import { redactUrl } from '../config.js';
import { openStore } from '../db/store.js';
import { renderNginxConfig, type NginxConfigOptions } from '../ops/nginx-config.js';
import { seedDemoIfEmpty } from '../seed/demo.js';

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Whether a program runs at all (nginx, redis-server). */
export function installed(command: string, versionArgs: string[] = ['-v']): boolean {
  return spawnSync(command, versionArgs, { stdio: 'ignore' }).error === undefined;
}

/** Whether a TCP port on loopback can be listened on now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** Creates the database a PostgreSQL URL names when it is missing (connecting to `postgres` on the same server). */
export async function ensureDatabase(url: string): Promise<'created' | 'exists'> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`DATABASE_URL: expected a plain database name, got ${JSON.stringify(name)}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL does not answer at ${redactUrl(admin.toString())}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return 'exists';
    await client.query(`CREATE DATABASE "${name}"`);
    return 'created';
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if needed, migrates it and seeds the demo fair into it if empty, once,
 * before any node starts (the nodes then start with SEED_DEMO=false). Says whether it seeded.
 */
export async function prepareScaledDatabase(url: string, options: { seed: boolean }): Promise<{ created: boolean; seeded: boolean }> {
  const created = (await ensureDatabase(url)) === 'created';
  const store = await openStore({ databaseUrl: url, databasePath: '' });
  try {
    const seeded = options.seed ? await seedDemoIfEmpty(store.db) : false;
    return { created, seeded };
  } finally {
    await store.close();
  }
}

/** Answers a PING at `url`, or throws saying where it looked. */
export async function checkRedis(url: string): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`Redis does not answer at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    client.destroy();
  }
}

/** Deletes every Redis key under `prefix` (a bench run's or a test's). */
export async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    client.destroy();
  }
}

/** Forwards a child's output line by line, each line prefixed (`[node-1] …`). */
export function forwardLines(stream: Readable | null, prefix: string, write: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) write(`${prefix} ${line}`);
  });
  stream.on('end', () => {
    if (partial) write(`${prefix} ${partial}`);
  });
}

export const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Stops a child: `signal` first (SIGTERM lets nodes close and nginx's master stop its workers), SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Waits until `url` answers with `wanted` (any status when omitted), or the child exits, or the time is up. */
export async function waitForHttp(url: string, child: ChildProcess, options: { timeoutMs?: number; wanted?: number; describe?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`exited before answering at ${url}${options.describe ? `: ${options.describe()}` : ''}`);
    const status = await fetch(url)
      .then((response) => response.status)
      .catch(() => null);
    if (status !== null && (options.wanted === undefined || status === options.wanted)) return;
    await sleep(100);
  }
  throw new Error(`no answer at ${url} within ${options.timeoutMs ?? 60_000} ms${options.describe ? `: ${options.describe()}` : ''}`);
}

/** nginx running in the foreground from a config rendered by nginx-config.ts. */
export interface RunningNginx {
  process: ChildProcess;
  /** What nginx wrote on stderr so far (it logs startup problems there). */
  errors(): string;
  stop(): Promise<void>;
}

/**
 * Renders the config for `options` into `options.runtimeDir` and runs nginx on it in the
 * foreground: pid file, logs and temporary files all in that directory, so it runs without
 * root; as root, its workers run as `nobody`, and the directory is opened up for them. Resolves
 * once nginx answers on its port (whatever the nodes say).
 */
export async function startNginx(options: NginxConfigOptions & { port: number }): Promise<RunningNginx> {
  const dir = options.runtimeDir;
  chmodSync(dir, 0o755);
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, renderNginxConfig(options));
  const child = spawn('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await waitForHttp(`http://127.0.0.1:${options.port}/healthz`, child, { timeoutMs: 10_000, describe: () => errors.trim() });
  // SIGTERM (fast shutdown) lets the master stop its workers; SIGKILL would leave them holding the port.
  return { process: child, errors: () => errors, stop: () => stopChild(child, 5_000) };
}

export const NODE_ENTRY = resolve('server/index.ts');

/** Where the nodes of one scaled fair keep their state. */
export interface ScaledSettings {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
}

/** A fair node as a child process (server/index.ts through tsx) and the last of what it wrote. */
export interface NodeProcess {
  id: string;
  port: number;
  process: ChildProcess;
  /** The tail of its output, for error messages. */
  output(): string;
}

const NODE_OUTPUT_KEPT_CHARS = 4_000;
/** How long a node may take to answer /healthz (tsx compiles on the way; a busy 2-core machine is slow). */
export const NODE_START_TIMEOUT_MS = 90_000;

/**
 * Starts one node of a scaled fair on 127.0.0.1:`port` behind nginx (TRUST_PROXY=1: nginx is
 * the one hop it believes), never seeding (the database is prepared once, before any node
 * starts), and waits until its /healthz answers 200. With `onLine`, every output line goes
 * there; otherwise only the tail is kept.
 */
export async function startNode(
  settings: ScaledSettings,
  node: {
    id: string;
    port: number;
    env?: Record<string, string>;
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
    /** Told of the child at once, before it answers (to stop it if the caller is stopped meanwhile). */
    onSpawn?: (child: ChildProcess) => void;
  },
  entry = NODE_ENTRY,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ...node.env,
      NODE_ID: node.id,
      PORT: String(node.port),
      HOST: '127.0.0.1',
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      REDIS_KEY_PREFIX: settings.redisKeyPrefix,
      TRUST_PROXY: '1',
      SEED_DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  node.onSpawn?.(child);
  let tail = '';
  const keep = (line: string) => (tail = (tail + line + '\n').slice(-NODE_OUTPUT_KEPT_CHARS));
  forwardLines(child.stdout, `[${node.id}]`, (line) => (node.onLine ? node.onLine(line, 'stdout') : keep(line)));
  forwardLines(child.stderr, `[${node.id}]`, (line) => (node.onLine ? node.onLine(line, 'stderr') : keep(line)));
  const started: NodeProcess = { id: node.id, port: node.port, process: child, output: () => tail };
  try {
    await waitForHttp(`http://127.0.0.1:${node.port}/healthz`, child, { timeoutMs: NODE_START_TIMEOUT_MS, wanted: 200, describe: () => tail.trim() });
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${node.id} did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return started;
}

/** A private redis-server (no persistence) on `port`, for runs that restart Redis or measure its CPU. */
export async function startRedisServer(port: number): Promise<{ process: ChildProcess; url: string; stop(): Promise<void> }> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited(child)) throw new Error(`redis-server exited: ${output.slice(-500)}`);
    try {
      await checkRedis(url);
      break;
    } catch (err) {
      if (i === 100) {
        child.kill('SIGKILL');
        throw err;
      }
      await sleep(50);
    }
  }
  return { process: child, url, stop: () => stopChild(child, 5_000) };
}
