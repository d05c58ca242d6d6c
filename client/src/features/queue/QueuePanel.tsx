import { useEffect, useRef } from 'react';
import type { Booth } from '../../../../shared/booths.js';
import { QUEUE_HOLD_MS } from '../../../../shared/limits.js';
import { useStore } from '../../app/store.js';
import { queue as queueText } from '../../i18n/parts/queue.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { Link } from '../../lib/router.js';
import { formatTimeLeft } from '../../lib/time.js';
import { useNow } from '../../lib/use-now.js';
import { enterNow, ensureQueueListeners, joinQueue, leaveQueue, setBoothEntry, setSound, stopFlash, useQueue } from './queue-state.js';

const NOTICE_KEYS = {
  missedOnce: 'queue.missedOnce',
  missed: 'queue.removed.missed',
  hold: 'queue.removed.hold',
  barred: 'queue.removed.barred',
  left: 'queue.removed.left',
} as const;

/** The seat on offer: a focused button with the seconds left. */
function Offer({ expiresAt, name }: { expiresAt: number; name: string }) {
  const t = usePartT(queueText);
  const now = useNow(1_000);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  const seconds = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return (
    <div className="notice" role="alert">
      <p>
        <strong>{t('queue.offerTitle')}</strong> {t('queue.offerBody', { name, seconds })}
      </p>
      <button type="button" ref={button} onClick={() => void enterNow()}>
        {t('queue.enter', { seconds })}
      </button>
    </div>
  );
}

/**
 * In place of the refusal when a booth is full (lazily loaded with its strings): join the line,
 * see the place and the estimated wait live, leave it; when a seat is offered, take it.
 */
export default function QueuePanel({ booth, enter }: { booth: Booth; /** `booth:join` for the booth on screen. */ enter: () => Promise<void> }) {
  const t = usePartT(queueText);
  const state = useQueue();
  const booths = useStore((s) => s.booths);
  useEffect(ensureQueueListeners, []);
  useEffect(() => setBoothEntry(enter), [enter]);
  // Leaving the page does not leave the line; the title stops flashing once it is off screen.
  useEffect(() => stopFlash, []);
  const now = useNow(1_000);
  const mine = state.boothId === booth.id;
  const offered = mine && state.offerExpiresAt !== null && state.offerExpiresAt > now;
  const otherBoothId = state.error?.details?.reason === 'otherQueue' ? state.error.details.boothId : undefined;
  const other = otherBoothId === undefined ? undefined : booths?.find((b) => b.id === otherBoothId);
  const eta = state.position?.etaSeconds ?? 0;

  return (
    <div className="queue">
      <h3>{t('queue.title')}</h3>
      {state.notice && (!state.boothId || mine) && <p role="status">{t(NOTICE_KEYS[state.notice])}</p>}
      {offered && <Offer expiresAt={state.offerExpiresAt!} name={booth.name} />}
      {mine && state.position ? (
        <>
          <div aria-live="polite" aria-atomic="true">
            <p className="queue-position">{t('queue.position', { position: state.position.position })}</p>
            <p>{eta < 60 ? t('queue.etaSoon') : t('queue.eta', { duration: formatTimeLeft(eta * 1000, t.locale) })}</p>
          </div>
          <button type="button" className="secondary" disabled={state.busy} onClick={() => void leaveQueue()}>
            {t('queue.leave')}
          </button>
        </>
      ) : (
        <>
          <p>{t('queue.intro', { duration: formatTimeLeft(QUEUE_HOLD_MS, t.locale) })}</p>
          {state.error &&
            (otherBoothId !== undefined ? (
              <p role="alert" className="error">
                {t('queue.otherQueue', { name: other?.name ?? t('queue.aBooth') })}{' '}
                {other && <Link to={`/booths/${other.slug}`}>{t('queue.otherQueueLink', { name: other.name })}</Link>}
              </p>
            ) : (
              <p role="alert" className="error">
                {t.app.error(state.error)}
              </p>
            ))}
          <button type="button" disabled={state.busy} onClick={() => void joinQueue(booth.id)}>
            {state.busy ? t('queue.joining') : t('queue.join')}
          </button>
          <p className="hint">{t('queue.notifyHint')}</p>
        </>
      )}
      <label>
        <input type="checkbox" checked={state.sound} onChange={(event) => setSound(event.target.checked)} /> {t('queue.sound')}
      </label>
    </div>
  );
}
