import type { Server as HttpServer } from 'node:http';
import type { RequestHandler, Router } from 'express';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AckObserver } from '../realtime/commands.js';
import type { FairServer } from '../realtime/types.js';
import { createHealthMonitor, type HealthMonitor } from './health.js';
import { createMetrics, type MetricsOptions } from './metrics.js';
import type { DependencyProbe } from './probes.js';
import { createMetricsServer, opsRoutes, refuseHandshakesWhileUnhealthy, refuseWhileUnhealthy } from './routes.js';

/** What `createApplication` may be given for operating a node (`AppDeps.ops`). */
export interface OpsOptions {
  /** How often the health probes run on their own (tests shorten it). */
  healthIntervalMs?: number;
  /** Dependencies to probe besides the database (the scaled mode adds Redis). */
  probes?: DependencyProbe[];
  /** The Socket.IO adapter's lag, in seconds (the scaled mode provides it; none in the embedded mode). */
  adapterLag?: MetricsOptions['adapterLag'];
  /** prom-client's process metrics; default on (one app per process outside tests). */
  processMetrics?: boolean;
}

export interface Ops {
  /** For the command router: counts acks while metrics are on, nothing otherwise. */
  observeAck: AckObserver;
  /** `GET /healthz` and `GET /metrics`, for the public app. */
  routes: Router;
  /** For `/api`: 503 + Retry-After while the node is unhealthy. */
  refuseWhileUnhealthy: RequestHandler;
  health: HealthMonitor;
  /** The internal port's server when METRICS_PORT is set; the caller listens on it. */
  metricsServer: HttpServer | null;
  close(): Promise<void>;
}

/**
 * Health, metrics and draining for one node. Metrics exist only when someone may read them
 * (METRICS_TOKEN or METRICS_PORT); the health check always runs, and while it fails the node
 * refuses new Socket.IO handshakes and API requests so nginx sends them to another node.
 */
export function createOps(deps: {
  config: Config;
  io: FairServer;
  logger: Logger;
  probes: DependencyProbe[];
  boothMembers: MetricsOptions['boothMembers'];
  options?: OpsOptions;
}): Ops {
  const { config, io, logger, options = {} } = deps;
  const probes = [...deps.probes, ...(options.probes ?? [])];
  const node = config.nodeId;
  const metricsReadable = config.metrics.token !== null || config.metrics.port !== null;
  const metrics = metricsReadable
    ? createMetrics({
        node,
        logger,
        probes,
        socketsConnected: () => io.of('/').sockets.size,
        boothMembers: deps.boothMembers,
        adapterLag: options.adapterLag,
        processMetrics: options.processMetrics,
      })
    : null;
  const health = createHealthMonitor({ node, probes, logger, intervalMs: options.healthIntervalMs, onOutcome: metrics?.observeProbe });
  refuseHandshakesWhileUnhealthy(io, health);
  const metricsServer = metrics && config.metrics.port !== null ? createMetricsServer(health, metrics) : null;
  return {
    observeAck: metrics ? metrics.observeAck : () => {},
    routes: opsRoutes(health, metrics, config.metrics.token),
    refuseWhileUnhealthy: refuseWhileUnhealthy(health),
    health,
    metricsServer,
    async close() {
      health.close();
      if (metricsServer?.listening) {
        await new Promise<void>((resolve) => {
          metricsServer.close(() => resolve());
          metricsServer.closeAllConnections();
        });
      }
    },
  };
}
