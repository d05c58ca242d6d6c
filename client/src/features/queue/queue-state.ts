/**
 * The member's place in a booth's queue (issue 16), kept in this lazily loaded chunk: its own
 * small store, the socket listeners (registered when the chunk first loads), and what happens
 * on an offer: a browser notification, a flashing title, a sound if they chose one. After a
 * reconnect, `queue:join` is sent again so the server keeps the place (QUEUE_HOLD_MS).
 */
import { create } from 'zustand';
import type { ApiError } from '../../../../shared/errors.js';
import type { QueuePosition, QueueRemovalReason } from '../../../../shared/queue.js';
import { useStore } from '../../app/store.js';
import { partTranslator } from '../../i18n/index.js';
import { queue as queueText } from '../../i18n/parts/queue.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { navigate } from '../../lib/router.js';
import { command, getSocket, type FairClientSocket } from '../../lib/socket.js';

export type QueueNotice = 'missedOnce' | Exclude<QueueRemovalReason, 'entered'>;

export interface QueueState {
  /** The booth whose line I am in, or null. */
  boothId: number | null;
  position: QueuePosition | null;
  /** A seat is mine until this time (ms since the epoch). */
  offerExpiresAt: number | null;
  notice: QueueNotice | null;
  error: ApiError | null;
  busy: boolean;
  sound: boolean;
}

const SOUND_KEY = 'fair.queueSound';
/** An offer is taken for missed when a new place arrives this close to its end, or after it. */
const OFFER_END_SLACK_MS = 2_000;
const FLASH_INTERVAL_MS = 1_000;

export const useQueue = create<QueueState>()(() => ({
  boothId: null,
  position: null,
  offerExpiresAt: null,
  notice: null,
  error: null,
  busy: false,
  sound: readSetting(SOUND_KEY) === 'true',
}));

/**
 * Enters the booth on screen (`booth:join`): handed in by the booth page, which owns joining.
 * (Importing the booth's actions here would pull the entry's shared code out into extra chunks.)
 */
let enterBoothOnScreen: () => Promise<void> = () => Promise.resolve();
export function setBoothEntry(enter: () => Promise<void>): void {
  enterBoothOnScreen = enter;
}

const set = useQueue.setState;
const get = useQueue.getState;
const text = () => partTranslator(queueText, useStore.getState().locale);
const boothOf = (boothId: number) => useStore.getState().booths?.find((b) => b.id === boothId) ?? (useStore.getState().boothView?.boothId === boothId ? useStore.getState().boothView!.booth : undefined);

// ---- The title flashes while a seat waits for them ------------------------------------------

let flashTimer: ReturnType<typeof setInterval> | undefined;
let steadyTitle = '';
function startFlash(message: string): void {
  stopFlash();
  steadyTitle = document.title;
  let on = false;
  flashTimer = setInterval(() => {
    on = !on;
    document.title = on ? message : steadyTitle;
  }, FLASH_INTERVAL_MS);
}
export function stopFlash(): void {
  if (flashTimer === undefined) return;
  clearInterval(flashTimer);
  flashTimer = undefined;
  document.title = steadyTitle;
}

/** A short chime made on the spot (no audio file to download); only for those who asked for it. */
function chime(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.2, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.8);
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.8);
    tone.onended = () => void audio.close();
  } catch {
    // No audio on this device: the title and the notification still say it.
  }
}

function notify(boothId: number, expiresAt: number): void {
  const booth = boothOf(boothId);
  const name = booth?.name ?? '';
  const t = text();
  startFlash(t('queue.flash', { name }));
  if (get().sound) chime();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const shown = new Notification(t('queue.offerTitle'), { body: t('queue.offerBody', { name, seconds: Math.round((expiresAt - Date.now()) / 1000) }), tag: `fair-queue-${boothId}` });
    shown.onclick = () => {
      window.focus();
      shown.close();
      void enterNow();
    };
  } catch {
    // Some mobile browsers only notify from a service worker: the title and the button remain.
  }
}

function clear(notice: QueueNotice | null = null): void {
  stopFlash();
  set({ boothId: null, position: null, offerExpiresAt: null, notice, busy: false });
}

// ---- Listeners ------------------------------------------------------------------------------

const registered = new WeakSet<FairClientSocket>();
/** Listens on this tab's connection (once per connection object). */
export function ensureQueueListeners(): void {
  const socket = getSocket();
  if (!socket || registered.has(socket)) return;
  registered.add(socket);
  socket.on('queue:position', (position) => {
    const { offerExpiresAt } = get();
    // A new place while a seat was on offer, at its end: the turn passed, and they are back in line.
    const missed = offerExpiresAt !== null && Date.now() >= offerExpiresAt - OFFER_END_SLACK_MS;
    if (missed) stopFlash();
    set({ boothId: position.boothId, position, ...(missed ? { offerExpiresAt: null, notice: 'missedOnce' as const } : {}) });
  });
  socket.on('queue:offer', ({ boothId, expiresAt }) => {
    const at = Date.parse(expiresAt);
    set({ boothId, offerExpiresAt: at, notice: null });
    notify(boothId, at);
  });
  socket.on('queue:removed', ({ boothId, reason }) => {
    if (get().boothId !== boothId) return;
    clear(reason === 'entered' ? null : reason);
  });
  // A new connection: say again that we wait, so the place held for us is kept.
  socket.on('connect', () => {
    const { boothId } = get();
    if (boothId !== null) void rejoin(boothId);
  });
}

async function rejoin(boothId: number): Promise<void> {
  const ack = await command('queue:join', { boothId });
  if (!ack || get().boothId !== boothId) return;
  if (ack.ok) set({ position: ack.data });
  // The place was given up meanwhile (or the booth has room now): the panel says what to do.
  else if (!(ack.error.code === 'UNAVAILABLE' || ack.error.code === 'RATE_LIMITED')) clear();
}

// ---- Actions --------------------------------------------------------------------------------

export async function joinQueue(boothId: number): Promise<void> {
  ensureQueueListeners();
  set({ busy: true, error: null, notice: null });
  // Asked here, when they choose to wait, and never before.
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
  const ack = await command('queue:join', { boothId });
  if (!ack) {
    set({ busy: false, error: { code: 'UNAVAILABLE', message: 'no answer' } });
    return;
  }
  if (ack.ok) {
    set({ boothId, position: ack.data, busy: false });
    return;
  }
  set({ busy: false });
  // Room after all: just enter.
  if (ack.error.code === 'CONFLICT' && ack.error.details?.reason === 'notFull') {
    await enterBoothOnScreen();
    return;
  }
  set({ error: ack.error });
}

export async function leaveQueue(): Promise<void> {
  const { boothId } = get();
  if (boothId === null) return;
  set({ busy: true });
  await command('queue:leave', { boothId });
  clear('left');
}

/** Takes the offered seat: a `booth:join` (on the booth's page, or after going there). */
export async function enterNow(): Promise<void> {
  stopFlash();
  const { boothId } = get();
  if (boothId === null) return;
  const view = useStore.getState().boothView;
  if (view?.boothId === boothId) await enterBoothOnScreen();
  else {
    const booth = boothOf(boothId);
    if (booth) navigate(`/booths/${booth.slug}`);
  }
}

export function setSound(sound: boolean): void {
  writeSetting(SOUND_KEY, String(sound));
  set({ sound });
}

ensureQueueListeners();
