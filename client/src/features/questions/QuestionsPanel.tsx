import { useEffect, useRef, useState, type FormEvent } from 'react';
import { DELETED_AUTHOR } from '../../../../shared/deleted-account.js';
import type { ApiError } from '../../../../shared/errors.js';
import { compareQuestions, QUESTION_BODY_MAX_CHARS, questionAnchor, type Question } from '../../../../shared/questions.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { questions as part } from '../../i18n/parts/questions.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { messageAnchor } from '../../lib/message-anchor.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { command, getSocket } from '../../lib/socket.js';
import { answerInChat } from './answer-in-chat.js';

type T = PartTranslator<keyof (typeof part)['en']>;

/** An error in the words of this tab where it has its own, else the app's. */
function errorText(t: T, error: ApiError | null): string {
  if (!error) return t('q.error.offline');
  if (error.code === 'MUTED') return t('q.error.MUTED');
  if (error.code === 'BOOTH_CLOSED' && error.details?.locked) return t('q.error.locked');
  if (error.code === 'CONFLICT') return t('q.error.answered');
  if (error.code === 'INVALID_PAYLOAD') return t('q.error.invalid', { max: QUESTION_BODY_MAX_CHARS });
  return t.app.error(error);
}

/** Applies one `question:updated`: a removed question goes, any other replaces its old self (keeping `votedByMe` when the event has none). */
function applyUpdate(list: Question[], update: Question): Question[] {
  const old = list.find((q) => q.id === update.id);
  const rest = list.filter((q) => q.id !== update.id);
  if (update.removed) return rest;
  return [...rest, { ...update, votedByMe: update.votedByMe ?? old?.votedByMe }].sort(compareQuestions);
}

const votesId = (id: number) => `q-votes-${id}`;
const voteButtonId = (id: number) => `q-vote-${id}`;

/**
 * A booth's Questions tab (issue 16), loaded only when opened. The list comes from
 * `question:list` on opening (and after every reconnection); after that `question:updated`
 * keeps it live. The polite live region says when a question is answered or removed and when
 * yours was sent, not every vote.
 */
export function QuestionsPanel({ boothId, toChat }: { boothId: number; toChat: () => void }) {
  const t = usePartT(part);
  const me = useStore((state) => state.me);
  const joined = useStore((state) => state.boothView?.joined ?? false);
  const privately = useStore((state) => state.boothView?.privateAlias != null);
  const [list, setList] = useState<Question[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null | undefined>(undefined);
  const [said, setSaid] = useState('');
  const [error, setError] = useState('');
  const listRef = useRef(list);
  useEffect(() => {
    listRef.current = list;
  }, [list]);
  const linked = useRef(location.hash.startsWith('#question-') ? location.hash.slice(1) : null);
  const staff = can(me, 'booth:staff', { boothId });
  const remover = can(me, 'chat:delete', { boothId });

  // Loaded again whenever the booth is (re)joined (events missed while offline are then in it) and on "Try again".
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!joined) return;
    let current = true;
    void command('question:list', { boothId }).then((ack) => {
      if (!current) return;
      if (ack?.ok) setList(ack.data.questions);
      else setLoadError(ack ? ack.error : null);
    });
    return () => {
      current = false;
    };
  }, [boothId, joined, attempt]);

  useEffect(() => {
    const socket = getSocket();
    if (!socket) return;
    const onUpdated = (update: Question) => {
      const current = listRef.current;
      if (update.boothId !== boothId || !current) return;
      const before = current.find((q) => q.id === update.id);
      if (update.removed && before) setSaid(t('q.removed'));
      else if (update.answered && before && !before.answered) setSaid(t('q.nowAnswered', { body: update.body }));
      setList((latest) => latest && applyUpdate(latest, update));
    };
    socket.on('question:updated', onUpdated);
    return () => {
      socket.off('question:updated', onUpdated);
    };
  }, [boothId, t]);

  // A link to one question: focus it once the list is there.
  useEffect(() => {
    if (!list || !linked.current) return;
    const target = document.getElementById(linked.current);
    linked.current = null;
    target?.focus();
    target?.scrollIntoView({ block: 'center' });
  }, [list]);

  const replace = (question: Question) => setList((current) => current && applyUpdate(current, question));

  async function vote(question: Question) {
    setError('');
    const ack = await command(question.votedByMe ? 'question:unvote' : 'question:vote', { questionId: question.id });
    if (ack?.ok) replace(ack.data);
    else setError(ack?.error.code === 'FORBIDDEN' && question.mine ? t('q.error.ownQuestion') : errorText(t, ack ? ack.error : null));
    // The list may have moved it: the keyboard stays on its button.
    requestAnimationFrame(() => document.getElementById(voteButtonId(question.id))?.focus());
  }

  async function markAnswered(question: Question) {
    setError('');
    const ack = await command('question:answer', { questionId: question.id });
    if (ack?.ok) replace(ack.data);
    else setError(errorText(t, ack ? ack.error : null));
  }

  async function remove(question: Question, reason: string) {
    setError('');
    const ack = await command('question:remove', { questionId: question.id, reason: reason || undefined });
    if (ack?.ok) replace(ack.data);
    else setError(errorText(t, ack ? ack.error : null));
  }

  const open = list?.filter((q) => !q.answered) ?? [];
  const answered = list?.filter((q) => q.answered) ?? [];
  const item = (question: Question) => (
    <QuestionItem
      key={question.id}
      question={question}
      t={t}
      staff={staff}
      remover={remover}
      onVote={() => void vote(question)}
      onAnswered={() => void markAnswered(question)}
      onAnswerInChat={() => {
        toChat();
        // After the chat is shown again: the composer is visible and takes the focus.
        requestAnimationFrame(() => answerInChat(boothId, question.id));
      }}
      onRemove={(reason) => void remove(question, reason)}
      onSeeAnswer={() => {
        toChat();
        // The chat was hidden when the link was followed: show the answer once it is back.
        requestAnimationFrame(() => document.getElementById(messageAnchor(question.answered?.messageId ?? 0))?.scrollIntoView({ block: 'center' }));
      }}
    />
  );

  return (
    <section className="card questions" aria-labelledby="questions-title">
      <h2 id="questions-title">{t('q.title')}</h2>
      <p className="hint">{t('q.intro')}</p>
      <AskForm boothId={boothId} t={t} privately={privately} onAsked={(question) => {
        replace(question);
        setSaid(t('q.asked'));
      }} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {said}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {staff && <p className="hint">{t('q.answerInChatHint')}</p>}
      {list === null ? (
        loadError === undefined ? (
          <p role="status">{t('q.loading')}</p>
        ) : (
          <p role="alert" className="error">
            {errorText(t, loadError)}{' '}
            <button
              type="button"
              className="secondary small"
              onClick={() => {
                setLoadError(undefined);
                setAttempt((n) => n + 1);
              }}
            >
              {t('q.retry')}
            </button>
          </p>
        )
      ) : (
        <>
          <h3>{t('q.open')}</h3>
          {open.length === 0 ? <p className="muted">{t('q.none')}</p> : <ol className="stack">{open.map(item)}</ol>}
          <h3>{t('q.answeredList')}</h3>
          {answered.length === 0 ? <p className="muted">{t('q.noneAnswered')}</p> : <ol className="stack">{answered.map(item)}</ol>}
        </>
      )}
    </section>
  );
}

function AskForm({ boothId, t, privately, onAsked }: { boothId: number; t: T; privately: boolean; onAsked: (question: Question) => void }) {
  const [body, setBody] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState('');
  const trimmed = body.trim();
  const over = trimmed.length - QUESTION_BODY_MAX_CHARS;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (trimmed.length === 0 || over > 0 || sending) return;
    setSending(true);
    setError('');
    const ack = await command('question:ask', { boothId, body: trimmed, anonymous });
    setSending(false);
    if (ack?.ok) {
      setBody('');
      onAsked(ack.data.question);
    } else setError(errorText(t, ack ? ack.error : null));
  }

  return (
    <form onSubmit={(event) => void submit(event)}>
      <label htmlFor="question-body">{t('q.yourQuestion')}</label>
      <textarea id="question-body" rows={2} value={body} onChange={(e) => setBody(e.target.value)} aria-describedby="question-body-hint" aria-invalid={over > 0 || undefined} />
      <p id="question-body-hint" className="hint">
        {over > 0 ? <span className="error">{t('q.tooLong', { count: over })}</span> : t('q.bodyHint', { max: QUESTION_BODY_MAX_CHARS })}
      </p>
      {privately ? (
        <p className="notice">{t('q.privateHint')}</p>
      ) : (
        <p>
          <label className="choice">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} aria-describedby="question-anonymous-hint" />{' '}
            {t('q.anonymous')}
          </label>
          <span id="question-anonymous-hint" className="hint">
            {' '}
            {t('q.anonymousHint')}
          </span>
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={trimmed.length === 0 || over > 0 || sending}>
        {sending ? t('q.asking') : t('q.ask')}
      </button>
    </form>
  );
}

interface ItemProps {
  question: Question;
  t: T;
  staff: boolean;
  remover: boolean;
  onVote: () => void;
  onAnswered: () => void;
  onAnswerInChat: () => void;
  onRemove: (reason: string) => void;
  onSeeAnswer: () => void;
}

function QuestionItem({ question, t, staff, remover, onVote, onAnswered, onAnswerInChat, onRemove, onSeeAnswer }: ItemProps) {
  const [removing, setRemoving] = useState(false);
  const [reason, setReason] = useState('');
  const name = (person: { id: string; displayName: string }) => (person.id === DELETED_AUTHOR.id ? t.app('privacy.deletedMember') : person.displayName);
  const { asker, answered } = question;
  const votes = t(new Intl.PluralRules(t.locale).select(question.votes) === 'one' ? 'q.votes.one' : 'q.votes.other', { count: question.votes });
  return (
    <li id={questionAnchor(question.id)} tabIndex={-1} className="message">
      <p className="body">{question.body}</p>
      <p className="meta">
        {asker ? t('q.askedBy', { name: name(asker) }) : t('q.askedAnonymously')}
        {asker && <RoleBadge role={asker.role} />}
        {question.mine && <span className="badge">{t('q.mine')}</span>}
        {question.anonymous && asker && !question.mine && <span className="badge muted">{t('q.anonymousToMembers')}</span>}
        {answered && <span className="badge">{t('q.answeredMarker')}</span>}
      </p>
      <p className="row">
        <span id={votesId(question.id)}>{votes}</span>
        {!answered && !question.mine && (
          <button id={voteButtonId(question.id)} type="button" className="secondary small" aria-pressed={question.votedByMe ?? false} aria-describedby={votesId(question.id)} onClick={onVote}>
            {question.votedByMe ? t('q.upvoted') : t('q.upvote')}
          </button>
        )}
      </p>
      {answered && (
        <p className="hint">
          {answered.by ? t('q.answeredBy', { name: name(answered.by) }) : t('q.answeredMarker')}
          {answered.messageId !== null && (
            <>
              {' · '}
              <a href={`#${messageAnchor(answered.messageId)}`} onClick={onSeeAnswer}>
                {t('q.seeAnswer')}
              </a>
            </>
          )}
        </p>
      )}
      {(staff || remover) && (
        <div className="row">
          {staff && !answered && (
            <>
              <button type="button" className="secondary small" onClick={onAnswered}>
                {t('q.markAnswered')}
              </button>
              <button type="button" className="secondary small" onClick={onAnswerInChat}>
                {t('q.answerInChat')}
              </button>
            </>
          )}
          {remover && !removing && (
            <button type="button" className="secondary small" onClick={() => setRemoving(true)}>
              {t('q.remove')}
            </button>
          )}
        </div>
      )}
      {removing && (
        <form
          className="action-form"
          onSubmit={(event) => {
            event.preventDefault();
            onRemove(reason.trim());
          }}
        >
          <label htmlFor={`q-reason-${question.id}`}>{t('q.removeReason')}</label>
          <input id={`q-reason-${question.id}`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          <div className="row">
            <button type="submit" className="danger small">
              {t('q.confirmRemove')}
            </button>
            <button type="button" className="secondary small" onClick={() => setRemoving(false)}>
              {t('q.cancel')}
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
