import { useEffect, useRef, useState } from 'react';
import { DELETED_AUTHOR } from '../../../../shared/deleted-account.js';
import type { ChatMessage } from '../../../../shared/protocol.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { linkedMessageId, messageAnchor } from '../../lib/message-anchor.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { discardMessage, loadEarlier } from './booth-actions.js';
import type { OutboxItem } from './booth-slice.js';
import { MessageActions } from './StaffActions.js';
import { authorName } from '../../lib/author-name.js';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(iso: string, locale: string): string {
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    timeFormats.set(locale, format);
  }
  return format.format(new Date(iso));
}

/** Earlier pages fetched at most to reach a linked message (a link to an old one stops there). */
const LINKED_MESSAGE_MAX_PAGES = 10;

function Message({ message, boothId, linked }: { message: ChatMessage; boothId: number; linked: boolean }) {
  const t = useT();
  // The server sends a stable marker for deleted accounts; the words are ours to translate.
  const accountDeleted = message.author.id === DELETED_AUTHOR.id;
  return (
    <li id={messageAnchor(message.id)} className={`message${message.deleted ? ' deleted' : ''}${linked ? ' linked' : ''}`} tabIndex={linked ? -1 : undefined}>
      <p className="meta">
        <span className="author">{authorName(t, message.author)}</span>
        <RoleBadge role={message.author.role} />{' '}
        {/* Only staff and the author receive the marker: they see who wrote it, others the pseudonym. */}
        {message.private && <span className="badge">{t('privacy.sentPrivately')}</span>}{' '}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, t.locale)}</time>
      </p>
      {message.deleted ? <p className="body muted">{accountDeleted ? t('privacy.messageGone') : t('chat.deleted')}</p> : <p className="body">{message.body}</p>}
      <MessageActions message={message} boothId={boothId} />
    </li>
  );
}

function Pending({ item, online }: { item: OutboxItem; online: boolean }) {
  const t = useT();
  return (
    <li className="message pending">
      <p className="body">{item.body}</p>
      {item.error ? (
        <p className="error">
          {t('chat.failed', { reason: t.error(item.error) })}{' '}
          <button type="button" className="secondary small" onClick={() => discardMessage(item.clientMsgId)}>
            {t('chat.discard')}
          </button>
        </p>
      ) : (
        // A storage hiccup is never final: the message stays queued and is retried, no Discard.
        <p className="meta">{online ? (item.saving ? t('chat.saving') : t('chat.sending')) : t('chat.queued')}</p>
      )}
    </li>
  );
}

export function ChatLog({ boothId }: { boothId: number }) {
  const t = useT();
  const messages = useStore((state) => state.boothView?.messages);
  const hasEarlier = useStore((state) => state.boothView?.hasEarlier ?? false);
  const loadingEarlier = useStore((state) => state.boothView?.loadingEarlier ?? false);
  const outbox = useStore((state) => state.outbox);
  const online = useStore((state) => state.connection === 'online');
  const pending = outbox.filter((item) => item.boothId === boothId);
  const scroller = useRef<HTMLDivElement>(null);
  const count = (messages?.length ?? 0) + pending.length;
  // A link to one message (a report in the moderator panel): shown in context, not at the bottom.
  const [linked] = useState(() => linkedMessageId(window.location.hash));
  const landed = useRef(false);
  const pagesFetched = useRef(0);

  // Follow new messages only when the reader is already at the bottom.
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const nearBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 120;
    if (nearBottom || (count <= 50 && !landed.current)) element.scrollTop = element.scrollHeight;
  }, [count]);

  useEffect(() => {
    if (linked === null || landed.current || !messages) return;
    const target = document.getElementById(messageAnchor(linked));
    if (target) {
      landed.current = true;
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'center' });
    } else if (hasEarlier && !loadingEarlier && (messages[0]?.id ?? 0) > linked && pagesFetched.current++ < LINKED_MESSAGE_MAX_PAGES) void loadEarlier();
  }, [linked, messages, hasEarlier, loadingEarlier]);

  return (
    <div className="chat-scroller" ref={scroller}>
      {hasEarlier ? (
        <button type="button" className="secondary small" onClick={() => void loadEarlier()} disabled={loadingEarlier}>
          {loadingEarlier ? t('chat.loadingEarlier') : t('chat.loadEarlier')}
        </button>
      ) : (
        messages && messages.length > 0 && <p className="muted small">{t('chat.noEarlier')}</p>
      )}
      {/* The log role sits on a wrapper: on the <ol> itself it would replace the list's semantics. */}
      <div role="log" aria-live="polite" aria-relevant="additions" aria-label={t('chat.log')}>
        <ol className="chat-log">
          {messages?.map((message) => <Message key={message.seq} message={message} boothId={boothId} linked={message.id === linked} />)}
          {pending.map((item) => (
            <Pending key={item.clientMsgId} item={item} online={online} />
          ))}
        </ol>
      </div>
      {count === 0 && <p className="muted">{t('chat.empty')}</p>}
    </div>
  );
}
