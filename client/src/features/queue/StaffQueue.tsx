import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import type { QueueEntry } from '../../../../shared/queue.js';
import { queue as queueText } from '../../i18n/parts/queue.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { command, getSocket } from '../../lib/socket.js';

/** Looked at again this often while the console is open (changes also come as `queue:changed` to staff inside the booth). */
const REFRESH_MS = 10_000;

const clock = (iso: string, locale: string) => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

/** A booth's queue for its staff (host console): who waits, in order, and "Let in now". */
export function StaffQueue({ boothId }: { boothId: number }) {
  const t = usePartT(queueText);
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [admitted, setAdmitted] = useState<string | null>(null);
  const load = useCallback(
    () =>
      void command('queue:list', { boothId }).then((ack) => {
        if (ack?.ok) setEntries(ack.data.entries);
        else if (ack) setError(ack.error);
      }),
    [boothId],
  );
  useEffect(() => {
    const socket = getSocket();
    const changed = (change: { boothId: number }) => {
      if (change.boothId === boothId) load();
    };
    socket?.on('queue:changed', changed);
    const timer = setInterval(load, REFRESH_MS);
    const first = setTimeout(load, 0);
    return () => {
      socket?.off('queue:changed', changed);
      clearInterval(timer);
      clearTimeout(first);
    };
  }, [boothId, load]);

  async function letIn(entry: QueueEntry) {
    const ack = await command('queue:admit', { boothId, userId: entry.userId });
    if (ack?.ok) {
      setAdmitted(entry.displayName);
      setError(null);
    } else if (ack) setError(ack.error);
    load();
  }

  return (
    <section className="card" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue.staffTitle')}</h2>
      {error && (
        <p role="alert" className="error">
          {t.app.error(error)}
        </p>
      )}
      {admitted && <p role="status">{t('queue.letInDone', { name: admitted })}</p>}
      {entries && entries.length === 0 && <p>{t('queue.staffEmpty')}</p>}
      {entries && entries.length > 0 && (
        <ol>
          {entries.map((entry) => (
            <li key={entry.userId}>
              <strong>{entry.displayName}</strong>{' '}
              <span className="hint">
                {entry.offerExpiresAt
                  ? t('queue.staffOffered', { time: clock(entry.offerExpiresAt, t.locale) })
                  : entry.heldUntil
                    ? t('queue.staffHeld', { time: clock(entry.heldUntil, t.locale) })
                    : t('queue.staffWaiting', { time: clock(entry.joinedAt, t.locale) })}
              </span>{' '}
              {!entry.admitted && (
                <button type="button" className="secondary small" onClick={() => void letIn(entry)}>
                  {t('queue.letIn', { name: entry.displayName })}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
