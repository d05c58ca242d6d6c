/** What the bench's coordinator and its load workers say to each other over IPC. */

/** One simulated member: a session token (ignored by the bare server) and a booth, or the lobby. */
export interface BenchMember {
  index: number;
  token: string;
  boothId: number | null;
}

export type ToWorker =
  /** Member `index` connects to `urls[index % urls.length]`: one node, or the load split over several. */
  | { type: 'connect'; workerId: number; urls: string[]; members: BenchMember[]; rampMs: number }
  | { type: 'chat'; ratePerS: number; durationMs: number }
  | { type: 'progress' }
  | { type: 'report' }
  | { type: 'close' };

export interface WorkerProgress {
  type: 'progress';
  pendingAcks: number;
  receipts: number;
  /** Members connected and in their booth, per booth id. */
  stableByBooth: Record<string, number>;
  /** Messages acked ok, per booth id. */
  ackedByBooth: Record<string, number>;
}

export interface WorkerReport {
  type: 'report';
  connected: number;
  failed: number;
  dropped: number;
  /** Members connected and in their booth from setup to the end, per booth id. */
  stableByBooth: Record<string, number>;
  /** Every chat:send: its message number, booth, whether its sender stayed connected, whether it was acked ok. */
  sends: { msgNo: number; boothId: number; senderStable: boolean; acked: boolean }[];
  /** Receipts by stable members of messages sent by someone else: message number → count. */
  receiptsByMsg: [number, number][];
  /** Latency histogram in whole milliseconds: [ms, count] pairs. */
  latencyHistogram: [number, number][];
  /** chat:send to its ack, same form: what a member waits for the tick on their message. */
  ackLatencyHistogram: [number, number][];
  firstSendAtMs: number | null;
  lastReceiptAtMs: number | null;
  /** CPU the worker itself used while the chat ran, in % of one core: shows whether the load generator kept up. */
  cpuPct: number;
}

export type FromWorker = { type: 'ready' } | { type: 'connected'; connected: number; failed: number; failures: Record<string, number>; retriedBusy: number } | { type: 'sent' } | WorkerProgress | WorkerReport;
