import { useEffect, useState, type FormEvent } from 'react';
import { CONTACT_MESSAGE_MAX_CHARS, type ContactRequestView, type ContactShare } from '../../../../shared/contacts.js';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { formatInstant } from '../../i18n/index.js';
import { contacts } from '../../i18n/parts/contacts.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';
import { command, getSocket } from '../../lib/socket.js';

export type ContactsT = PartTranslator<keyof (typeof contacts)['en']>;

/** "Accepted by Ana", "Waiting for an answer"… in the reader's language. */
export function statusText(t: ContactsT, request: ContactRequestView): string {
  const name = request.answeredBy?.displayName ?? '';
  return t(`contacts.status.${request.status}`, { name });
}

/** `key.one` / `key.other` of the contacts part, by the language's plural rules. */
export function plural(t: ContactsT, key: 'contacts.openCount' | 'contacts.headerCount', count: number): string {
  return t(`${key}.${new Intl.PluralRules(t.locale).select(count) === 'one' ? 'one' : 'other'}`, { count });
}

/** Keeps a list of requests current with the live events (one request replaced by its newer view). */
export function upsert(list: ContactRequestView[], view: ContactRequestView): ContactRequestView[] {
  const at = list.findIndex((r) => r.id === view.id);
  if (at === -1) return [view, ...list];
  const next = list.slice();
  // The conversation is named only to the two people in it: keep what this tab already knows.
  next[at] = { ...view, conversationId: view.conversationId ?? list[at]!.conversationId };
  return next;
}

function MyRequest({ request, t }: { request: ContactRequestView; t: ContactsT }) {
  return (
    <li>
      <p>
        <strong>{statusText(t, request)}</strong> <span className="muted">{t('contacts.sentAt', { time: formatInstant(request.createdAt, t.locale) })}</span>
      </p>
      <p className="body">{request.message}</p>
      {request.note && <p className="reply">{t('contacts.note', { note: request.note })}</p>}
      {request.conversationId !== null && (
        <p>
          <Link to={`/conversations/${request.conversationId}`}>{t('contacts.openConversation')}</Link>
        </p>
      )}
    </li>
  );
}

/**
 * "Ask for a follow-up" in a booth (lazily loaded with its strings): the member's own requests to
 * this booth with their status, kept live, and the small form that sends a new one. The form says
 * plainly what the staff will see: the display name always, organisation and email only if ticked.
 */
export function FollowUp({ boothId, boothName }: { boothId: number; boothName: string }) {
  const t = usePartT(contacts);
  const me = useStore((state) => state.me);
  const [mine, setMine] = useState<ContactRequestView[]>([]);
  const [organisation, setOrganisation] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [share, setShare] = useState<ContactShare[]>(['name']);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);

  useEffect(() => {
    const load = () =>
      void api<{ requests: ContactRequestView[] }>('/api/contacts/mine').then((result) => result.ok && setMine(result.data.requests.filter((r) => r.boothId === boothId)));
    load();
    const socket = getSocket();
    const updated = (view: ContactRequestView) => view.boothId === boothId && setMine((list) => upsert(list, view));
    socket?.on('contact:updated', updated);
    socket?.on('connect', load);
    return () => {
      socket?.off('contact:updated', updated);
      socket?.off('connect', load);
    };
  }, [boothId]);

  useEffect(() => {
    if (open) void api<{ organisation: string | null }>('/api/me/organisation').then((result) => result.ok && setOrganisation(result.data.organisation));
  }, [open]);

  if (!me) return null;
  const waiting = mine.some((r) => r.status === 'open');
  const toggle = (choice: ContactShare, on: boolean) => setShare((held) => (on ? [...held, choice] : held.filter((c) => c !== choice)));
  const fields = share.map((choice) => t(`contacts.field.${choice}`)).join(', ');

  function refusal(failure: ApiError): string {
    if (failure.code === 'CONFLICT') return failure.details?.requestId ? t('contacts.alreadyOpen') : t('contacts.fairEnded');
    return t.app.error(failure);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setError(null);
    const ack = await command('contact:request', { boothId, message, share });
    setSending(false);
    if (!ack) return setError(t('contacts.offline'));
    if (!ack.ok) return setError(refusal(ack.error));
    setSent(true);
    setOpen(false);
    setMessage('');
    const listed = await api<{ requests: ContactRequestView[] }>('/api/contacts/mine');
    if (listed.ok) setMine(listed.data.requests.filter((r) => r.boothId === boothId));
    document.getElementById('followup-title')?.focus();
  }

  return (
    <section className="card" aria-labelledby="followup-title">
      <h2 id="followup-title" tabIndex={-1}>
        {t('contacts.ask')}
      </h2>
      {sent && <p role="status">{t('contacts.sent')}</p>}
      {mine.length > 0 && (
        <>
          <h3>{t('contacts.mine')}</h3>
          <ul className="plain">
            {mine.map((request) => (
              <MyRequest key={request.id} request={request} t={t} />
            ))}
          </ul>
        </>
      )}
      {!waiting && !open && (
        <button type="button" aria-expanded={false} onClick={() => (setOpen(true), setSent(false))}>
          {t('contacts.ask')}
        </button>
      )}
      {!waiting && open && (
        <form onSubmit={(e) => void submit(e)} aria-labelledby="followup-title">
          <p>{t('contacts.askIntro', { booth: boothName })}</p>
          <label htmlFor="followup-message">{t('contacts.message')}</label>
          <textarea
            id="followup-message"
            rows={3}
            required
            maxLength={CONTACT_MESSAGE_MAX_CHARS}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
            aria-describedby="followup-message-hint"
          />
          <p id="followup-message-hint" className="hint">
            {t('contacts.messageHint', { max: CONTACT_MESSAGE_MAX_CHARS })}
          </p>
          <fieldset aria-describedby="followup-will-see">
            <legend>{t('contacts.share')}</legend>
            <label className="choice">
              <input type="checkbox" checked disabled /> {t('contacts.shareName', { name: me.displayName })}
            </label>
            <label className="choice">
              <input type="checkbox" disabled={!organisation} checked={share.includes('organisation')} onChange={(e) => toggle('organisation', e.target.checked)} />{' '}
              {organisation ? t('contacts.shareOrganisation', { organisation }) : t('contacts.shareOrganisationNone')}
            </label>
            <label className="choice">
              <input type="checkbox" checked={share.includes('email')} onChange={(e) => toggle('email', e.target.checked)} /> {t('contacts.shareEmail', { email: me.email })}
            </label>
          </fieldset>
          <p id="followup-will-see" aria-live="polite">
            {t('contacts.willSee', { fields })}
          </p>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={sending}>
              {sending ? t('contacts.sending') : t('contacts.send')}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t('contacts.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
