/**
 * One load-generating process of `npm run bench`: it holds a share of the simulated members as
 * real socket.io-client connections, chats at the rate it is told, and reports what it saw.
 * Started by run.ts with fork(); it talks only over IPC and exits when its parent goes away.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import { loopbackAddressOf, serveCoordinator, type BenchMember, type FromWorker, type ToWorker, type WorkerProgress, type WorkerReport } from './worker-messages.js';
// The bench runs our server with NODE_ENV=production, whose session cookie has the __Host- name.
import { SESSION_COOKIE_PRODUCTION } from '../auth/cookies.js';

const CONNECT_TIMEOUT_MS = 20_000;
const ACK_TIMEOUT_MS = 30_000;
const SEND_TICK_MS = 10;
/** Latencies above this land in the last histogram bucket. */
const HISTOGRAM_MAX_MS = 120_000;
/** Message numbers are unique across workers: worker id times this, plus a counter. */
const MSG_NO_STRIDE = 10_000_000;

interface LiveMember extends BenchMember {
  socket: Socket;
  ready: boolean;
  dropped: boolean;
  /** Message numbers this member received from others. */
  received: number[];
}

type Ack = { ok: boolean } | undefined;

const members: LiveMember[] = [];
const sends: WorkerReport['sends'] = [];
const senderOf = new Map<number, LiveMember>();
const histogram = new Uint32Array(HISTOGRAM_MAX_MS + 1);
/** Sender-side: chat:send to its ack, in whole milliseconds. */
const ackHistogram = new Uint32Array(HISTOGRAM_MAX_MS + 1);
let workerId = 0;
let closing = false;
let pendingAcks = 0;
let receipts = 0;
let firstSendAtMs: number | null = null;
let lastReceiptAtMs: number | null = null;
let chatCpu: NodeJS.CpuUsage | undefined;
let chatStartedAtMs = 0;

function tell(message: FromWorker): void {
  process.send?.(message);
}

/** Bodies carry what receivers need to measure: `bench <sentAtMs> <senderIndex> <msgNo>`. */
function onChatCreated(member: LiveMember, message: { body?: unknown }): void {
  if (typeof message.body !== 'string') return;
  const [tag, sentAt, sender, msgNo] = message.body.split(' ');
  if (tag !== 'bench' || Number(sender) === member.index) return;
  const now = Date.now();
  histogram[Math.min(HISTOGRAM_MAX_MS, Math.max(0, now - Number(sentAt)))]! += 1;
  member.received.push(Number(msgNo));
  receipts++;
  lastReceiptAtMs = now;
}

/** SERVER_BUSY refusals per member, and in all: a member gives up after BUSY_RETRIES_MAX. */
const BUSY_RETRIES_MAX = 20;
const busyRetries = new Map<number, number>();
let retriedBusy = 0;

/** Why members failed to get in place, by reason: tells a slow server from a refusing one. */
const failures: Record<string, number> = {};
const failed = (reason: string) => (failures[reason] = (failures[reason] ?? 0) + 1);

function open(url: string, spec: BenchMember): Promise<boolean> {
  // Passed on to the Node WebSocket (engine.io-client picks it), though not in the client's types.
  const nodeOnly = { localAddress: loopbackAddressOf(spec.index) };
  const socket = io(url, {
    ...nodeOnly,
    auth: { protocol: PROTOCOL_VERSION },
    transports: ['websocket'],
    extraHeaders: { cookie: `${SESSION_COOKIE_PRODUCTION}=${spec.token}` },
    reconnection: false,
    forceNew: true,
    timeout: CONNECT_TIMEOUT_MS,
  });
  const member: LiveMember = { ...spec, socket, ready: false, dropped: false, received: [] };
  busyRetries.set(spec.index, 0);
  members.push(member);
  socket.on('chat:created', (message: { body?: unknown }) => onChatCreated(member, message));
  return new Promise((settle) => {
    socket.on('disconnect', (reason) => {
      if (closing) return;
      if (member.ready) member.dropped = true;
      else failed(`disconnected while joining (${reason})`);
      settle(false);
    });
    socket.on('connect_error', (err: Error & { data?: { details?: { retryAfterMs?: number } } }) => {
      // As the browser client does: a busy server asked us to come back later; we do, with jitter.
      if (err.message === 'SERVER_BUSY' && busyRetries.get(spec.index)! < BUSY_RETRIES_MAX) {
        busyRetries.set(spec.index, busyRetries.get(spec.index)! + 1);
        retriedBusy++;
        const waitMs = (err.data?.details?.retryAfterMs ?? 1000) * (1 + Math.random() * 0.5);
        setTimeout(() => socket.connect(), waitMs);
        return;
      }
      failed(`connect_error ${err.message}`);
      settle(false);
    });
    socket.once('connect', () => {
      if (spec.boothId === null) {
        member.ready = true;
        return settle(true);
      }
      socket.timeout(ACK_TIMEOUT_MS).emit('booth:join', { boothId: spec.boothId }, (err: Error | null, ack: Ack) => {
        member.ready = !err && ack?.ok === true;
        if (err) failed('booth:join ack timeout');
        else if (!member.ready) failed(`booth:join refused`);
        settle(member.ready);
      });
    });
  });
}

async function connectAll(urls: string[], specs: BenchMember[], rampMs: number): Promise<void> {
  const spacingMs = specs.length > 0 ? rampMs / specs.length : 0;
  const outcomes = await Promise.all(
    specs.map((spec, i) => new Promise<boolean>((resolve) => setTimeout(() => void open(urls[spec.index % urls.length]!, spec).then(resolve), i * spacingMs))),
  );
  const connected = outcomes.filter(Boolean).length;
  tell({ type: 'connected', connected, failed: specs.length - connected, failures, retriedBusy });
}

function sendOne(member: LiveMember, counter: number): void {
  const msgNo = workerId * MSG_NO_STRIDE + counter;
  const now = Date.now();
  const sentAt = performance.now();
  firstSendAtMs ??= now;
  const record = { msgNo, boothId: member.boothId!, senderStable: true, acked: false };
  sends.push(record);
  senderOf.set(msgNo, member);
  pendingAcks++;
  const payload = { boothId: member.boothId, clientMsgId: randomUUID(), body: `bench ${now} ${member.index} ${msgNo}` };
  member.socket.timeout(ACK_TIMEOUT_MS).emit('chat:send', payload, (err: Error | null, ack: Ack) => {
    pendingAcks--;
    record.acked = !err && ack?.ok === true;
    if (!err) ackHistogram[Math.min(HISTOGRAM_MAX_MS, Math.round(performance.now() - sentAt))]! += 1;
  });
}

/** Round-robin over this worker's members in booths, so each sends rarely and evenly. */
function chat(ratePerS: number, durationMs: number): void {
  chatCpu = process.cpuUsage();
  chatStartedAtMs = Date.now();
  const senders = members.filter((m) => m.ready && !m.dropped && m.boothId !== null);
  if (senders.length === 0 || ratePerS <= 0) return tell({ type: 'sent' });
  let sent = 0;
  let next = 0;
  const timer = setInterval(() => {
    const elapsedMs = Date.now() - chatStartedAtMs;
    const due = Math.floor((Math.min(elapsedMs, durationMs) * ratePerS) / 1000);
    while (sent < due) {
      const member = senders[next++ % senders.length]!;
      if (!member.dropped) sendOne(member, sent);
      sent++;
    }
    if (elapsedMs >= durationMs) {
      clearInterval(timer);
      tell({ type: 'sent' });
    }
  }, SEND_TICK_MS);
}

const stableMembers = () => members.filter((m) => m.ready && !m.dropped);

function countByBooth(items: { boothId: number | null }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { boothId } of items) if (boothId !== null) counts[boothId] = (counts[boothId] ?? 0) + 1;
  return counts;
}

function progress(): WorkerProgress {
  return { type: 'progress', pendingAcks, receipts, stableByBooth: countByBooth(stableMembers()), ackedByBooth: countByBooth(sends.filter((s) => s.acked)) };
}

/** A sparse copy of a histogram: [ms, count] for every bucket that has any. */
function histogramPairs(buckets: Uint32Array): [number, number][] {
  const pairs: [number, number][] = [];
  buckets.forEach((count, ms) => {
    if (count > 0) pairs.push([ms, count]);
  });
  return pairs;
}

function report(): WorkerReport {
  const receiptsByMsg = new Map<number, number>();
  for (const member of stableMembers()) {
    for (const msgNo of member.received) receiptsByMsg.set(msgNo, (receiptsByMsg.get(msgNo) ?? 0) + 1);
  }
  for (const record of sends) record.senderStable = !senderOf.get(record.msgNo)!.dropped;
  const cpu = process.cpuUsage(chatCpu);
  const elapsedMs = Math.max(1, Date.now() - chatStartedAtMs);
  return {
    type: 'report',
    connected: members.filter((m) => m.ready).length,
    failed: members.filter((m) => !m.ready).length,
    dropped: members.filter((m) => m.dropped).length,
    stableByBooth: countByBooth(stableMembers()),
    sends,
    receiptsByMsg: [...receiptsByMsg],
    latencyHistogram: histogramPairs(histogram),
    ackLatencyHistogram: histogramPairs(ackHistogram),
    firstSendAtMs,
    lastReceiptAtMs,
    cpuPct: chatCpu ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : 0,
  };
}

serveCoordinator<ToWorker>(
  (message) => {
    switch (message.type) {
      case 'connect':
        workerId = message.workerId;
        void connectAll(message.urls, message.members, message.rampMs);
        break;
      case 'chat':
        chat(message.ratePerS, message.durationMs);
        break;
      case 'progress':
        tell(progress());
        break;
      case 'report':
        tell(report());
        break;
    }
  },
  () => {
    closing = true;
    for (const member of members) member.socket.disconnect();
  },
);
