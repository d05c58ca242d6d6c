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

/**
 * A forked worker's side of the conversation: says it is ready, hands every message but
 * 'close' to `handle`, and on 'close' runs `close` and exits; it exits too when the
 * coordinator is gone (finished or crashed), so it never lingers.
 */
export function serveCoordinator<T extends { type: string }>(handle: (message: T) => void, close: () => void): void {
  process.on('message', (message: T) => {
    if (message.type !== 'close') return handle(message);
    close();
    setTimeout(() => process.exit(0), 200);
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready' });
}

/**
 * Each simulated member connects from its own loopback address (`127.<block>.x.y`; Linux routes
 * all of 127/8 to the loopback interface), as members do from their own networks: the server
 * caps sockets per address, and thousands from 127.0.0.1 would look like one crowded NAT.
 */
export const loopbackAddressOf = (index: number, block = 1) => `127.${block}.${Math.floor(index / 250) % 256}.${(index % 250) + 1}`;
