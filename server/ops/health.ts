import type { Logger } from '../logger.js';
import { runProbes, type DependencyProbe, type ProbeOutcome } from './probes.js';

/**
 * How often a node checks its dependencies on its own. nginx OSS has no active health checks:
 * a node learns it is unwell from this timer and then refuses newcomers with 503, which nginx
 * takes as a failure and passes to the next node (`proxy_next_upstream ... http_503`).
 */
export const HEALTH_CHECK_INTERVAL_MS = 2_000;

/** What `GET /healthz` answers (`status` is kept for monitors that read the older answer). */
export interface HealthReport {
  status: 'ok' | 'degraded';
  ok: boolean;
  node: string;
  checks: Record<string, ProbeOutcome>;
}

export interface HealthMonitor {
  /** Runs every probe now (or joins a run already under way) and records the verdict. */
  check(): Promise<HealthReport>;
  /** The latest verdict: true until a run finds a probe failing. */
  healthy(): boolean;
  /** What refused requests are told to wait, in seconds: about one check interval. */
  retryAfterSeconds: number;
  /** Stops the periodic check. */
  close(): void;
}

export interface HealthMonitorOptions {
  node: string;
  probes: readonly DependencyProbe[];
  logger: Logger;
  /** Tests shorten it. */
  intervalMs?: number;
  /** Told of every probe run (the metrics time them). */
  onOutcome?: (name: string, outcome: ProbeOutcome) => void;
}

/** Checks the node's dependencies every `intervalMs` (and whenever asked) and remembers whether they all answer. */
export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const { node, probes, logger, onOutcome } = options;
  const intervalMs = options.intervalMs ?? HEALTH_CHECK_INTERVAL_MS;
  let healthy = true;
  let running: Promise<HealthReport> | null = null;

  async function run(): Promise<HealthReport> {
    const checks = await runProbes(probes);
    for (const [name, outcome] of Object.entries(checks)) onOutcome?.(name, outcome);
    const ok = Object.values(checks).every((outcome) => outcome.ok);
    if (ok !== healthy) {
      const failing = Object.keys(checks).filter((name) => !checks[name]!.ok);
      if (ok) logger.info('node healthy again: taking new connections and API requests');
      else logger.warn({ failing }, 'node unhealthy: refusing new connections and API requests until it recovers');
    }
    healthy = ok;
    return { status: ok ? 'ok' : 'degraded', ok, node, checks };
  }

  function check(): Promise<HealthReport> {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => void check(), intervalMs);
  // A health check never keeps the process alive on its own.
  timer.unref();
  void check();

  return {
    check,
    healthy: () => healthy,
    retryAfterSeconds: Math.max(1, Math.ceil(intervalMs / 1000)),
    close() {
      clearInterval(timer);
    },
  };
}
