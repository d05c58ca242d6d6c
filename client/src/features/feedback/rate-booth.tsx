import { useId, useMemo, useState } from 'react';
import { boothText } from '../../../../shared/booth-text.js';
import { BOOTH_FEEDBACK_COMMENT_MAX_CHARS, BOOTH_RATINGS } from '../../../../shared/booth-feedback.js';
import type { Booth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { boothFeedback } from '../../i18n/parts/booth-feedback.js';
import { partTranslator } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';

const ASKED_KEY_PREFIX = 'fair.feedback.asked.v1.';
const THANKS_SHOWN_MS = 4_000;

const askedKey = (userId: string, boothId: number) => `${ASKED_KEY_PREFIX}${userId}.${boothId}`;
const close = () => useStore.setState({ lobbyPrompt: null });

/**
 * Offers the rating prompt for the booth of a view just left after a real stay (booth-actions.ts decides
 * that), unless this person was asked about this booth before on this device. Asking is
 * remembered at once: whether they rate, dismiss or reload, it is not asked again.
 */
export default function offerFeedback({ booth }: { booth: Booth }): void {
  const me = useStore.getState().me;
  if (!me || readSetting(askedKey(me.id, booth.id))) return;
  writeSetting(askedKey(me.id, booth.id), new Date().toISOString());
  useStore.setState({ lobbyPrompt: <FeedbackPrompt key={booth.id} booth={booth} /> });
}

/** One line in the lobby: five buttons (one tap rates), an optional comment, and "Not now". Not a dialog. */
function FeedbackPrompt({ booth }: { booth: Booth }) {
  // Not usePartT: that lives in a chunk of its own, and importing it would cost the entry a preload list entry.
  const app = useT();
  const t = useMemo(() => partTranslator(boothFeedback, app.locale), [app.locale]);
  const headingId = useId();
  const commentId = useId();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<{ sending: boolean; sent: boolean; error: ApiError | null }>({ sending: false, sent: false, error: null });
  async function rate(rating: number) {
    setState({ sending: true, sent: false, error: null });
    const result = await api(`/api/booths/${encodeURIComponent(booth.slug)}/feedback`, { body: { rating, ...(comment.trim() ? { comment: comment.trim() } : {}) } });
    setState({ sending: false, sent: result.ok, error: result.ok ? null : result.error });
    if (result.ok) setTimeout(close, THANKS_SHOWN_MS);
  }
  return (
    <section className="card feedback-prompt" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('feedback.title', { name: boothText(booth, app.locale).name })}</h2>
      {state.sent ? (
        <p role="status">{t('feedback.thanks')}</p>
      ) : (
        <>
          <div role="group" aria-label={t('feedback.scale')} className="rating-buttons">
            {BOOTH_RATINGS.map((rating) => (
              <button
                key={rating}
                type="button"
                className="secondary"
                disabled={state.sending}
                aria-label={`${t('feedback.rating', { rating })}${rating === 1 ? ` (${t('feedback.poor')})` : rating === 5 ? ` (${t('feedback.excellent')})` : ''}`}
                onClick={() => void rate(rating)}
              >
                {rating}
              </button>
            ))}
          </div>
          <details>
            <summary>{t('feedback.addComment')}</summary>
            <label htmlFor={commentId}>{t('feedback.comment')}</label>
            <textarea id={commentId} rows={2} maxLength={BOOTH_FEEDBACK_COMMENT_MAX_CHARS} value={comment} onChange={(e) => setComment(e.target.value)} aria-describedby={`${commentId}-hint`} />
            <p id={`${commentId}-hint`} className="hint">
              {t('feedback.commentHint')}
            </p>
          </details>
          {state.error && (
            <p role="alert" className="error">
              {app.error(state.error)}
            </p>
          )}
          <button type="button" className="secondary" onClick={close}>
            {t('feedback.dismiss')}
          </button>
        </>
      )}
    </section>
  );
}
