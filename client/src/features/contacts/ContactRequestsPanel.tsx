import { useEffect, useState, type FormEvent } from 'react';
import { CONTACT_NOTE_MAX_CHARS, type ContactAnswer, type ContactRequestView, type ContactStatus } from '../../../../shared/contacts.js';
import type { ApiError } from '../../../../shared/errors.js';
import { formatInstant } from '../../i18n/index.js';
import { contacts } from '../../i18n/parts/contacts.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';
import { command, getSocket } from '../../lib/socket.js';
import { plural, statusText, upsert, type ContactsT } from './FollowUp.js';

const NO_ANSWER: ApiError = { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' };

/** One request with its answers. A note is asked for with a decline (required) and an email answer (optional). */
/** Our own answer's ack: the live event with the whole view may have come first, and wins. */
function answered(request: ContactRequestView, status: ContactStatus, conversationId: number | undefined): ContactRequestView {
  return { ...request, status: request.status === 'open' ? status : request.status, conversationId: request.conversationId ?? conversationId ?? null };
}

function RequestItem({ request, t, onAnswered }: { request: ContactRequestView; t: ContactsT; onAnswered: (id: number, status: ContactStatus, conversationId?: number) => void }) {
  const [noteFor, setNoteFor] = useState<Exclude<ContactAnswer, 'accept'> | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const noteId = `contact-note-${request.id}`;

  async function answer(choice: ContactAnswer, withNote?: string) {
    setBusy(true);
    setError(null);
    const ack = await command('contact:answer', { requestId: request.id, answer: choice, ...(withNote ? { note: withNote } : {}) });
    setBusy(false);
    if (!ack) return setError(t.app.error(NO_ANSWER));
    if (!ack.ok) {
      if (ack.error.code === 'CONFLICT') return setError(ack.error.details?.status === 'closed' ? t('contacts.takenClosed') : t('contacts.taken', { name: ack.error.details?.answeredBy ?? '' }));
      return setError(t.app.error(ack.error));
    }
    setNoteFor(null);
    onAnswered(request.id, ack.data.status, ack.data.conversationId);
  }

  function submitNote(event: FormEvent) {
    event.preventDefault();
    if (noteFor) void answer(noteFor, note.trim() || undefined);
  }

  const headingId = `contact-${request.id}-from`;
  return (
    <li>
      <article aria-labelledby={headingId}>
        <h3 id={headingId}>{t('contacts.from', { name: request.member.displayName })}</h3>
        {request.member.organisation && <p>{t('contacts.organisation', { organisation: request.member.organisation })}</p>}
        {request.member.email && <p>{t('contacts.email', { email: request.member.email })}</p>}
        <p className="body">{request.message}</p>
        <p className="muted">{t('contacts.sentAt', { time: formatInstant(request.createdAt, t.locale) })}</p>
        {request.status !== 'open' && (
          <p>
            <strong>{request.answeredBy ? t('contacts.takenBy', { name: request.answeredBy.displayName }) : statusText(t, request)}</strong>
            {request.answeredBy && ` — ${statusText(t, request)}`}
          </p>
        )}
        {request.note && <p className="reply">{t('contacts.note', { note: request.note })}</p>}
        {request.conversationId !== null && (
          <p>
            <Link to={`/conversations/${request.conversationId}`}>{t('contacts.openConversation')}</Link>
          </p>
        )}
        {request.status === 'open' && noteFor === null && (
          <div className="row">
            <button type="button" disabled={busy} onClick={() => void answer('accept')}>
              {t('contacts.accept')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setNoteFor('decline')}>
              {t('contacts.decline')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setNoteFor('email')}>
              {t('contacts.emailAnswer')}
            </button>
          </div>
        )}
        {request.status === 'open' && noteFor !== null && (
          <form onSubmit={submitNote}>
            <label htmlFor={noteId}>{noteFor === 'decline' ? t('contacts.noteLabel') : t('contacts.noteOptional')}</label>
            <textarea id={noteId} rows={2} required={noteFor === 'decline'} maxLength={CONTACT_NOTE_MAX_CHARS} value={note} onChange={(e) => setNote(e.target.value)} />
            <div className="row">
              <button type="submit" disabled={busy}>
                {noteFor === 'decline' ? t('contacts.confirmDecline') : t('contacts.confirmEmail')}
              </button>
              <button type="button" className="secondary" onClick={() => setNoteFor(null)}>
                {t('contacts.cancel')}
              </button>
            </div>
          </form>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </article>
    </li>
  );
}

/**
 * The host console's "Contact requests": open ones first, kept live (`contact:requested`,
 * `contact:updated`), so a request another staff member took shows "Taken by …" at once.
 * Only what each member agreed to share is ever here (the server sends nothing else).
 */
export function ContactRequestsPanel({ boothId, slug }: { boothId: number; slug: string }) {
  const t = usePartT(contacts);
  const [requests, setRequests] = useState<ContactRequestView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    const load = () =>
      void api<{ requests: ContactRequestView[] }>(`/api/booths/${encodeURIComponent(slug)}/contacts`).then((result) =>
        result.ok ? (setRequests(result.data.requests), setError(null)) : setError(result.error),
      );
    load();
    const socket = getSocket();
    const changed = (view: ContactRequestView) => view.boothId === boothId && setRequests((list) => upsert(list ?? [], view));
    socket?.on('contact:requested', changed);
    socket?.on('contact:updated', changed);
    socket?.on('connect', load);
    return () => {
      socket?.off('contact:requested', changed);
      socket?.off('contact:updated', changed);
      socket?.off('connect', load);
    };
  }, [boothId, slug]);

  const open = requests?.filter((r) => r.status === 'open').length ?? 0;
  // Open requests first, oldest first; then the answered ones, newest first.
  const ordered = [...(requests ?? [])].sort((a, b) => (a.status === 'open') !== (b.status === 'open') ? (a.status === 'open' ? -1 : 1) : a.status === 'open' ? a.id - b.id : b.id - a.id);
  return (
    <section className="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">{t('contacts.consoleTitle')}</h2>
      <p className="hint">{t('contacts.consoleIntro')}</p>
      {error && (
        <p role="alert" className="error">
          {t.app.error(error)}
        </p>
      )}
      {requests && <p role="status">{plural(t, 'contacts.openCount', open)}</p>}
      {requests && requests.length === 0 && <p>{t('contacts.consoleEmpty')}</p>}
      {ordered.length > 0 && (
        <ul className="plain" aria-labelledby="contacts-title">
          {ordered.map((request) => (
            <RequestItem key={request.id} request={request} t={t} onAnswered={(id, status, conversationId) => setRequests((list) => (list ?? []).map((r) => (r.id === id ? answered(r, status, conversationId) : r)))} />
          ))}
        </ul>
      )}
      <p>
        <a href={`/api/booths/${encodeURIComponent(slug)}/contacts.csv`} download>
          {t('contacts.csv')}
        </a>
      </p>
      <p className="hint">{t('contacts.csvHint')}</p>
    </section>
  );
}
