import type { LoopDelaySample } from './loop-probe.js';
import type { WorkerReport } from './worker-messages.js';

/** What one target (ours or the bare server) did under the load. */
export interface TargetFigures {
  connected: number;
  failed: number;
  dropped: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** chat:send to its ack, 99th percentile, in ms. */
  ackP99Ms: number;
  deliveredPerS: number;
  acked: number;
  lost: number;
  /** Server CPU while the chat ran, in % of one core. */
  cpuPct: number;
  /** The server's event-loop delay while the chat ran (null if its probe did not answer). */
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
  peakRssMb: number;
  kbPerMember: number;
  /** Seconds from the first connection to the last member in its booth (connect + join). */
  setupS: number;
  /** Server CPU seconds spent on those connections and joins. */
  setupCpuS: number;
  /** The server's longest event-loop delay during them. */
  setupLoopDelayMaxMs: number | null;
  /** Busiest load worker's CPU while the chat ran, in % of one core (near 100 means the generator limits). */
  loadCpuPct: number;
}

export interface ServerSample {
  chatCpuSeconds: number;
  chatWallSeconds: number;
  peakRssKb: number;
  /** Resident memory added by the connected members (after setup minus before). */
  membersRssKb: number;
  setupS: number;
  setupCpuSeconds: number;
  setupLoop: LoopDelaySample | null;
  chatLoop: LoopDelaySample | null;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function percentile(histogram: Map<number, number>, total: number, q: number): number {
  if (total === 0) return 0;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const ms of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(ms)!;
    if (seen >= rank) return ms;
  }
  return 0;
}

/**
 * Folds the workers' reports into one target's figures. "Lost" counts every send that got no
 * ok ack, plus, for each acked message, every member who stayed connected in that booth from
 * setup to the end (the sender aside) and never received it.
 */
export function summarize(reports: WorkerReport[], server: ServerSample): TargetFigures {
  const histogram = new Map<number, number>();
  const ackHistogram = new Map<number, number>();
  const stableByBooth = new Map<number, number>();
  const receipts = new Map<number, number>();
  let firstSendAtMs = Infinity;
  let lastReceiptAtMs = -Infinity;
  for (const report of reports) {
    for (const [ms, count] of report.latencyHistogram) histogram.set(ms, (histogram.get(ms) ?? 0) + count);
    for (const [ms, count] of report.ackLatencyHistogram) ackHistogram.set(ms, (ackHistogram.get(ms) ?? 0) + count);
    for (const [boothId, count] of Object.entries(report.stableByBooth)) stableByBooth.set(Number(boothId), (stableByBooth.get(Number(boothId)) ?? 0) + count);
    for (const [msgNo, count] of report.receiptsByMsg) receipts.set(msgNo, (receipts.get(msgNo) ?? 0) + count);
    if (report.firstSendAtMs !== null) firstSendAtMs = Math.min(firstSendAtMs, report.firstSendAtMs);
    if (report.lastReceiptAtMs !== null) lastReceiptAtMs = Math.max(lastReceiptAtMs, report.lastReceiptAtMs);
  }
  const sends = reports.flatMap((report) => report.sends);
  let acked = 0;
  let lost = 0;
  for (const send of sends) {
    if (!send.acked) {
      lost++;
      continue;
    }
    acked++;
    const expected = (stableByBooth.get(send.boothId) ?? 0) - (send.senderStable ? 1 : 0);
    lost += Math.max(0, expected - (receipts.get(send.msgNo) ?? 0));
  }
  const latencyCount = [...histogram.values()].reduce((a, b) => a + b, 0);
  const delivered = [...receipts.values()].reduce((a, b) => a + b, 0);
  const deliverySeconds = (lastReceiptAtMs - firstSendAtMs) / 1000;
  const connected = reports.reduce((n, r) => n + r.connected, 0);
  return {
    connected,
    failed: reports.reduce((n, r) => n + r.failed, 0),
    dropped: reports.reduce((n, r) => n + r.dropped, 0),
    p50Ms: percentile(histogram, latencyCount, 0.5),
    p95Ms: percentile(histogram, latencyCount, 0.95),
    p99Ms: percentile(histogram, latencyCount, 0.99),
    maxMs: latencyCount > 0 ? Math.max(...histogram.keys()) : 0,
    ackP99Ms: percentile(ackHistogram, [...ackHistogram.values()].reduce((a, b) => a + b, 0), 0.99),
    deliveredPerS: deliverySeconds > 0 ? round(delivered / deliverySeconds) : 0,
    acked,
    lost,
    cpuPct: round((server.chatCpuSeconds / server.chatWallSeconds) * 100),
    loopDelayP99Ms: server.chatLoop && round(server.chatLoop.p99Ms),
    loopDelayMaxMs: server.chatLoop && round(server.chatLoop.maxMs),
    peakRssMb: round(server.peakRssKb / 1024),
    kbPerMember: connected > 0 ? round(server.membersRssKb / connected) : 0,
    setupS: round(server.setupS),
    setupCpuS: round(server.setupCpuSeconds),
    setupLoopDelayMaxMs: server.setupLoop && round(server.setupLoop.maxMs),
    loadCpuPct: round(Math.max(0, ...reports.map((r) => r.cpuPct))),
  };
}

/** ours / bare, or null when bare is zero or either is unknown. */
export function ratio(ours: number | null, bare: number | null): number | null {
  return ours === null || bare === null || bare === 0 ? null : round(ours / bare, 2);
}
