import { resolve } from 'node:path';
import { createApplication } from './app.js';
import { loadConfig } from './config.js';
import { openStore, type Store } from './db/store.js';
import { connectRedis, type RedisClient } from './realtime/redis.js';
import { createLogger } from './logger.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, hasDemoAccounts, seedDemoIfEmpty } from './seed/demo.js';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(`Digital Fair cannot start; fix these settings:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
const { config } = loaded;
const logger = createLogger(config.logLevel, undefined, config.nodeId);
let store: Store;
try {
  store = await openStore(config, { logger });
} catch (err) {
  console.error(`Digital Fair cannot open its database (${config.databaseUrl ? 'DATABASE_URL' : config.databasePath}): ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const { db } = store;
let redis: RedisClient | undefined;
if (config.redisUrl) {
  try {
    redis = await connectRedis(config.redisUrl, logger.child({ feature: 'redis' }));
  } catch (err) {
    console.error(`Digital Fair cannot reach Redis (REDIS_URL): ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

// Several nodes starting at once on one PostgreSQL: only one of them seeds (seedDemoIfEmpty).
if (config.seedDemo) await seedDemoIfEmpty(db);

const app = createApplication({ config, db, logger, clientDir: resolve('dist/client'), redis });
const showDemoAccounts = config.seedDemo && (await hasDemoAccounts(db));
// The kernel holds up to this many connections the event loop has not accepted yet (Node's
// default is 511). When a node dies, its members reconnect to the survivors within a second or
// two; with a short queue the overflow's SYNs are dropped, nginx's connect times out, and after
// three timeouts it takes the survivor itself out of rotation for 10 s ("no live upstreams" in
// its log). With Node's default, the last of 1000 members was back 17–39 s after the SIGKILL in
// 5 runs of 16 (4.7–6.8 s in the others); with this queue, 4.7–6.1 s in 7 runs of 7. (The
// kernel caps it at net.core.somaxconn, 4096 on current Linux.)
const LISTEN_BACKLOG = 4096;
app.httpServer.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => {
  const address = app.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, database: store.where, video: config.livekit !== null }, 'fair started');
  const lines = [`Digital Fair is running at http://localhost:${port}`];
  if (!config.livekit) lines.push('Video is off (no LIVEKIT_* settings): booths run in text mode.');
  if (showDemoAccounts) {
    lines.push(`Demo fair: sign in with any of these (password "${DEMO_PASSWORD}"):`);
    for (const account of DEMO_ACCOUNTS) lines.push(`  ${account.email.padEnd(22)} ${account.role}`);
  }
  console.log(lines.join('\n'));
});

// Internal metrics port (METRICS_PORT): Prometheus on this host scrapes it without a token.
if (app.metricsServer && config.metrics.port !== null) {
  app.metricsServer.listen(config.metrics.port, config.metrics.host, () => {
    logger.info({ port: config.metrics.port, host: config.metrics.host }, 'metrics listening');
  });
}

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  void app
    .close()
    .then(() => store.close())
    // Not quit(): during a Redis outage it would wait for a connection that is not coming.
    .then(() => redis?.destroy())
    .then(() => process.exit(0));
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
