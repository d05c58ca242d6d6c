import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useStore } from '../../app/store.js';
import { CHAT_BODY_MAX_CHARS } from '../../../../shared/limits.js';
import { useT } from '../../i18n/use-t.js';
import { authorName } from '../../lib/author-name.js';
import { sendMessage } from './booth-actions.js';

/** Works offline too: the message waits in the outbox and is sent when the member is back. */
export function Composer() {
  const t = useT();
  const [body, setBody] = useState('');
  const privateAlias = useStore((state) => state.boothView?.privateAlias ?? null);
  const trimmed = body.trim();
  const over = trimmed.length - CHAT_BODY_MAX_CHARS;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (trimmed.length === 0 || over > 0) return;
    sendMessage(trimmed);
    setBody('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  }

  return (
    <form className="composer" onSubmit={submit}>
      {privateAlias && (
        <p className="notice" id="composer-alias">
          {t('privacy.othersSeeYouAs', { name: authorName(t, privateAlias) })}
        </p>
      )}
      <label htmlFor="composer">{t('chat.message')}</label>
      <textarea id="composer" rows={2} value={body} onChange={(e) => setBody(e.target.value)} onKeyDown={onKeyDown} aria-describedby={privateAlias ? 'composer-alias composer-hint' : 'composer-hint'} />
      <p id="composer-hint" className="hint">
        {over > 0 ? <span className="error">{t('chat.tooLong', { count: over })}</span> : t('chat.messageHint')}
      </p>
      <button type="submit" disabled={trimmed.length === 0 || over > 0}>
        {t('chat.send')}
      </button>
    </form>
  );
}
