import { useEffect, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { Conversation, ConversationMessage } from '../../../../shared/conversations.js';
import { DELETED_AUTHOR } from '../../../../shared/deleted-account.js';
import type { ApiError } from '../../../../shared/errors.js';
import { CHAT_BODY_MAX_CHARS, REPORT_REASONS, type ReportReason } from '../../../../shared/limits.js';
import { useStore } from '../../app/store.js';
import { formatInstant } from '../../i18n/index.js';
import { conversations as strings } from '../../i18n/parts/conversations.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { Link, matchPath } from '../../lib/router.js';
import {
  discardConversationMessage,
  loadEarlier,
  loadList,
  openConversation,
  reportConversationMessage,
  sendConversationMessage,
  startConversations,
} from './conversation-actions.js';

type T = PartTranslator<keyof (typeof strings)['en']>;

/** The other person of a conversation, as the viewer sees them. */
const otherOf = (conversation: Conversation, myId: string | undefined) => (conversation.member.id === myId ? conversation.staff : conversation.member);
const nameOf = (t: T, person: { id: string; displayName: string }) => (person.id === DELETED_AUTHOR.id ? t.app('privacy.deletedMember') : person.displayName);

/**
 * `/conversations` (the list) and `/conversations/:id` (one conversation): one lazily loaded chunk.
 * `connection` is the app's connection indicator, shown above a conversation (a slot, as the lobby's).
 */
export function ConversationsPage({ path, connection: indicator }: { path: string; connection?: ReactNode }) {
  const t = usePartT(strings);
  const myId = useStore((state) => state.me?.id);
  const connection = useStore((state) => state.connection);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (myId) startConversations(myId);
  }, [myId, connection]);
  useEffect(() => {
    void loadList().then(setError);
  }, []);
  const one = matchPath('/conversations/:id', path);
  const id = one ? Number(one.id) : NaN;
  if (one) return <ConversationView key={id} conversationId={Number.isInteger(id) && id > 0 ? id : 0} t={t} indicator={indicator} />;
  return <ConversationList t={t} error={error} retry={() => void loadList().then(setError)} />;
}

function ConversationList({ t, error, retry }: { t: T; error: ApiError | null; retry: () => void }) {
  const list = useStore((state) => state.conversationList);
  const myId = useStore((state) => state.me?.id);
  return (
    <section className="card conversations" aria-labelledby="conversations-title">
      <h1 id="conversations-title">{t('conv.title')}</h1>
      <p>{t('conv.intro')}</p>
      {error && (
        <div role="alert" className="error">
          <p>{t.app.error(error)}</p>
          <button type="button" className="secondary" onClick={retry}>
            {t('conv.retry')}
          </button>
        </div>
      )}
      {list === undefined ? (
        !error && <p role="status">{t('conv.loading')}</p>
      ) : list.length === 0 ? (
        <p>{t('conv.empty')}</p>
      ) : (
        <ul className="stack" aria-label={t('conv.list')}>
          {list.map((conversation) => (
            <li key={conversation.id}>
              <Link to={`/conversations/${conversation.id}`}>{t('conv.with', { name: nameOf(t, otherOf(conversation, myId)) })}</Link>
              <p className="muted small">{t('conv.atBooth', { booth: conversation.boothName })}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ConversationView({ conversationId, t, indicator }: { conversationId: number; t: T; indicator: ReactNode }) {
  const myId = useStore((state) => state.me?.id);
  const connection = useStore((state) => state.connection);
  const conversation = useStore((state) => state.conversationList?.find((c) => c.id === conversationId));
  const listLoaded = useStore((state) => state.conversationList !== undefined);
  const messages = useStore((state) => state.conversationMessages?.[conversationId]);
  const outbox = useStore((state) => state.conversationOutbox);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  useEffect(() => {
    if (connection === 'online') void openConversation(conversationId).then(setError);
  }, [conversationId, connection]);

  if ((listLoaded && !conversation) || error?.code === 'NOT_FOUND' || error?.code === 'INVALID_PAYLOAD') {
    return (
      <section className="card" aria-labelledby="conversation-title">
        <h1 id="conversation-title">{t('conv.title')}</h1>
        <p role="alert">{t('conv.notFound')}</p>
        <Link to="/conversations">{t('conv.back')}</Link>
      </section>
    );
  }
  const other = conversation ? nameOf(t, otherOf(conversation, myId)) : '';
  const pending = (outbox ?? []).filter((item) => item.conversationId === conversationId);
  const first = messages?.[0];
  return (
    <section className="card conversation" aria-labelledby="conversation-title">
      <p>
        <Link to="/conversations">{t('conv.back')}</Link>
      </p>
      <h1 id="conversation-title">{conversation ? t('conv.with', { name: other }) : t('conv.title')}</h1>
      {indicator}
      {conversation && <p className="muted">{t('conv.atBooth', { booth: conversation.boothName })}</p>}
      {error && (
        <p role="alert" className="error">
          {t.app.error(error)}
        </p>
      )}
      {first && first.seq > 1 && (
        <button
          type="button"
          className="secondary small"
          disabled={loadingEarlier}
          onClick={() => {
            setLoadingEarlier(true);
            void loadEarlier(conversationId).finally(() => setLoadingEarlier(false));
          }}
        >
          {loadingEarlier ? t.app('chat.loadingEarlier') : t.app('chat.loadEarlier')}
        </button>
      )}
      <div role="log" aria-live="polite" aria-relevant="additions" aria-label={t.app('chat.log')}>
        <ol className="chat-log">
          {messages?.map((message) => <Message key={message.seq} message={message} mine={message.author.id === myId} t={t} />)}
          {pending.map((item) => (
            <li key={item.clientMsgId} className="message pending">
              <p className="body">{item.body}</p>
              {item.error ? (
                <p className="error">
                  {t.app('chat.failed', { reason: t.app.error(item.error) })}{' '}
                  <button type="button" className="secondary small" onClick={() => discardConversationMessage(item.clientMsgId)}>
                    {t.app('chat.discard')}
                  </button>
                </p>
              ) : (
                <p className="meta">{connection === 'online' ? (item.saving ? t.app('chat.saving') : t.app('chat.sending')) : t.app('chat.queued')}</p>
              )}
            </li>
          ))}
        </ol>
      </div>
      {messages?.length === 0 && pending.length === 0 && <p className="muted">{t.app('chat.empty')}</p>}
      <ConversationComposer conversationId={conversationId} t={t} />
    </section>
  );
}

function Message({ message, mine, t }: { message: ConversationMessage; mine: boolean; t: T }) {
  const accountDeleted = message.author.id === DELETED_AUTHOR.id;
  return (
    <li className={`message${message.deleted ? ' deleted' : ''}`}>
      <p className="meta">
        <span className="author">{mine ? t('conv.you') : nameOf(t, message.author)}</span>
        <RoleBadge role={message.author.role} /> <time dateTime={message.createdAt}>{formatInstant(message.createdAt, t.locale)}</time>
      </p>
      {message.deleted ? <p className="body muted">{accountDeleted ? t('conv.authorRemoved') : t.app('chat.deleted')}</p> : <p className="body">{message.body}</p>}
      {!mine && !message.deleted && <ReportControl message={message} t={t} />}
    </li>
  );
}

function ReportControl({ message, t }: { message: ConversationMessage; t: T }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<ReportReason>('harassment');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const name = nameOf(t, message.author);
  if (sent) return <p role="status">{t.app('mod.reportSent')}</p>;
  if (!open) {
    return (
      <button type="button" className="secondary small" aria-label={t.app('mod.reportLabel', { name })} onClick={() => setOpen(true)}>
        {t.app('mod.report')}
      </button>
    );
  }
  const formId = `report-${message.id}`;
  async function submit(event: FormEvent) {
    event.preventDefault();
    const refused = await reportConversationMessage(message.id, reason, note);
    if (refused && refused.code !== 'CONFLICT') return setError(refused);
    setSent(true);
  }
  return (
    <form className="stack" aria-label={t.app('mod.reportLabel', { name })} onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${formId}-reason`}>{t.app('mod.reportReason')}</label>
      <select id={`${formId}-reason`} value={reason} onChange={(event) => setReason(event.target.value as ReportReason)}>
        {REPORT_REASONS.map((value) => (
          <option key={value} value={value}>
            {t.app(`mod.reason.${value}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${formId}-note`}>{t.app('mod.note')}</label>
      <textarea id={`${formId}-note`} rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
      {error && (
        <p role="alert" className="error">
          {t.app.error(error)}
        </p>
      )}
      <p>
        <button type="submit">{t.app('mod.reportSend')}</button>{' '}
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t.app('mod.cancel')}
        </button>
      </p>
    </form>
  );
}

/** Works offline too: the message waits in the outbox and is sent when the member is back. */
function ConversationComposer({ conversationId, t }: { conversationId: number; t: T }) {
  const [body, setBody] = useState('');
  const trimmed = body.trim();
  const over = trimmed.length - CHAT_BODY_MAX_CHARS;
  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (trimmed.length === 0 || over > 0) return;
    sendConversationMessage(conversationId, trimmed);
    setBody('');
  }
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor="conversation-composer">{t.app('chat.message')}</label>
      <textarea id="conversation-composer" rows={2} value={body} onChange={(e) => setBody(e.target.value)} onKeyDown={onKeyDown} aria-describedby="conversation-composer-hint" />
      <p id="conversation-composer-hint" className="hint">
        {over > 0 ? <span className="error">{t.app('chat.tooLong', { count: over })}</span> : t.app('chat.messageHint')}
      </p>
      <button type="submit" disabled={trimmed.length === 0 || over > 0}>
        {t.app('chat.send')}
      </button>
    </form>
  );
}
