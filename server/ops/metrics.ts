import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { AckObserver } from '../realtime/commands.js';
import { runProbes, type DependencyProbe, type ProbeOutcome } from './probes.js';

/** Every metric name starts with this: one fair's series are easy to find among others. */
export const METRIC_PREFIX = 'fair_';

/** Dependency probes take from well under a millisecond (SQLite) to a second (the probe timeout). */
const DEPENDENCY_LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface MetricsOptions {
  /** NODE_ID, exported as `fair_node_info{node}` so metrics and log lines can be matched. */
  node: string;
  logger: Logger;
  /** Sockets connected to this node now. */
  socketsConnected(): number;
  /** People present per booth id now (the presence store's count), for every booth. */
  boothMembers(): Record<string, number> | Promise<Record<string, number>>;
  /** Timed at every scrape (and by the health check, through `observeProbe`). */
  probes: readonly DependencyProbe[];
  /**
   * How far this node's Socket.IO adapter is behind the others, in seconds, or null when
   * unknown. The embedded mode has one node and no adapter to lag: leave it out and no
   * `fair_adapter_lag_seconds` is exported. The scaled mode's Redis adapter will provide it.
   */
  adapterLag?: () => number | null | Promise<number | null>;
  /**
   * prom-client's process metrics (CPU, memory, event-loop delay, GC, handles). They watch
   * the whole process and leave a GC observer running for good, so one per process.
   */
  processMetrics?: boolean;
}

export interface Metrics {
  /** This app's own registry: several apps in one process (tests) never share series. */
  registry: Registry;
  /** Counts an answered ack (`fair_acks_total{command, code}`). */
  observeAck: AckObserver;
  /** Records one probe run (`fair_dependency_latency_seconds`, `fair_dependency_up`). */
  observeProbe: (name: string, outcome: ProbeOutcome) => void;
  /** Times the probes, then renders every metric in the Prometheus text format. */
  scrape(): Promise<string>;
  contentType: string;
}

/**
 * The node's Prometheus metrics. Gauges of live state (sockets, booth members, adapter lag)
 * are read at scrape time, so nothing is counted twice or drifts; counters and histograms are
 * fed as things happen.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const { logger } = options;
  const registry = new Registry();
  const registers = [registry];
  const name = (suffix: string) => METRIC_PREFIX + suffix;

  new Gauge({
    name: name('node_info'),
    help: 'Always 1; the node label is this process NODE_ID, as in its log lines.',
    labelNames: ['node'],
    registers,
  }).set({ node: options.node }, 1);

  new Gauge({
    name: name('sockets_connected'),
    help: 'Socket.IO connections (signed in) to this node.',
    registers,
    collect() {
      this.set(options.socketsConnected());
    },
  });

  new Gauge({
    name: name('booth_members'),
    help: 'People present in each booth (one per person, however many tabs; includes the grace period).',
    labelNames: ['booth'],
    registers,
    async collect() {
      this.reset();
      try {
        for (const [booth, count] of Object.entries(await options.boothMembers())) this.set({ booth }, count);
      } catch (err) {
        logger.warn({ err }, 'metrics: booth members unavailable');
      }
    },
  });

  const acks = new Counter({
    name: name('acks_total'),
    help: 'Command acks answered, by command and code (ok, or the error code).',
    labelNames: ['command', 'code'],
    registers,
  });

  const latency = new Histogram({
    name: name('dependency_latency_seconds'),
    help: 'How long a dependency probe took (at each scrape and each health check).',
    labelNames: ['dependency'],
    buckets: DEPENDENCY_LATENCY_BUCKETS_S,
    registers,
  });

  const up = new Gauge({
    name: name('dependency_up'),
    help: '1 when the last probe of the dependency passed, 0 when it failed.',
    labelNames: ['dependency'],
    registers,
  });

  const { adapterLag } = options;
  if (adapterLag) {
    new Gauge({
      name: name('adapter_lag_seconds'),
      help: 'How far the Socket.IO adapter of this node is behind the others.',
      registers,
      async collect() {
        this.reset();
        try {
          const lag = await adapterLag();
          if (lag !== null) this.set(lag);
        } catch (err) {
          logger.warn({ err }, 'metrics: adapter lag unavailable');
        }
      },
    });
  }

  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  function observeProbe(dependency: string, outcome: ProbeOutcome): void {
    latency.observe({ dependency }, outcome.ms / 1000);
    up.set({ dependency }, outcome.ok ? 1 : 0);
  }

  return {
    registry,
    observeAck(command, result) {
      acks.inc({ command, code: result.ok ? 'ok' : result.error.code });
    },
    observeProbe,
    async scrape() {
      const outcomes = await runProbes(options.probes);
      for (const [dependency, outcome] of Object.entries(outcomes)) observeProbe(dependency, outcome);
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}
