import { lazy, Suspense, useEffect, useState } from 'react';
import { boothText } from '../../../../shared/booth-text.js';
import type { Booth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { command } from '../../lib/socket.js';
import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { Link } from '../../lib/router.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { ConnectionIndicator } from '../connection/ConnectionIndicator.js';
import { VideoPanel } from '../video/VideoPanel.js';
import { enterBooth, joinCurrentBooth, leaveBooth } from './booth-actions.js';
import { ChatLog } from './ChatLog.js';
import { Composer } from './Composer.js';
import { PresenceList } from './PresenceList.js';

// "Ask for a follow-up" (issue 16), with its strings: its own chunk; offline, the booth opens without it.
const FollowUp = lazy(() => import('../contacts/FollowUp.js').then((m) => ({ default: m.FollowUp }), () => ({ default: () => null })));
// The Questions tab's code and strings load only when a member opens it (issue 16).
const QuestionsPanel = lazy(() => import('../questions/QuestionsPanel.js').then((m) => ({ default: m.QuestionsPanel })));

/** Refusals that trying again may cure (full, locked, closed, a removal that ends). */
const RETRYABLE: ReadonlySet<ApiError['code']> = new Set(['BOOTH_FULL', 'BOOTH_CLOSED', 'FORBIDDEN', 'NOT_IN_BOOTH']);

/** The queue at a full booth: its own chunk, with its strings (issue 16). */
const QueuePanel = lazy(() => import('../queue/QueuePanel.js'));

/** In place of the chat when the booth refused us: why, and what to do. No composer: nothing can wait here. */
function Refused({ refusal, booth }: { refusal: ApiError; booth: Booth }) {
  const t = useT();
  const [trying, setTrying] = useState(false);
  const retry = async () => {
    setTrying(true);
    await joinCurrentBooth();
    setTrying(false);
    // Let in: the composer replaces this card; the keyboard goes there rather than to the top.
    document.getElementById('composer')?.focus();
  };
  return (
    <section className="card" aria-labelledby="refused-title">
      <h2 id="refused-title">{t('booth.notEntered')}</h2>
      <p role="alert">{t.error(refusal)}</p>
      {refusal.code === 'BOOTH_FULL' && (
        <Suspense fallback={null}>
          <QueuePanel booth={booth} enter={joinCurrentBooth} />
        </Suspense>
      )}
      <div className="row">
        {RETRYABLE.has(refusal.code) && (
          <button type="button" disabled={trying} onClick={() => void retry()}>
            {trying ? t('booth.joining') : t('action.retry')}
          </button>
        )}
        <Link to="/">{t('booth.back')}</Link>
      </div>
    </section>
  );
}

export function BoothPage({ slug }: { slug: string }) {
  const t = useT();
  const view = useStore((state) => state.boothView);
  const error = useStore((state) => state.boothError);
  // The visit's privacy is the server's (it holds for every device): the join ack's own entry wins.
  const visitPrivately = useStore(
    (state) => state.visitPrivately || (state.boothView?.presence.some((entry) => entry.userId === state.me?.id && entry.private) ?? false),
  );
  const me = useStore((state) => state.me);
  // A link to a question (`#question-12`) opens its tab.
  const [asking, setAsking] = useState(() => location.hash.startsWith('#question-'));

  useEffect(() => {
    void enterBooth(slug);
    return () => leaveBooth();
  }, [slug]);

  const back = <Link to="/">{t('booth.back')}</Link>;

  if (!view) {
    return (
      <section>
        <p>{back}</p>
        {error ? (
          <p role="alert" className="error">
            {t.error(error)}
          </p>
        ) : (
          <p role="status">{t('booth.joining')}</p>
        )}
      </section>
    );
  }

  const { booth } = view;
  const text = boothText(booth, t.locale);
  const staffConsole = me && (can(me, 'booth:edit-profile', { boothId: booth.id }) || can(me, 'booth:figures', { boothId: booth.id }));
  return (
    <section className="booth" aria-labelledby="booth-title">
      <div className="booth-head">
        <p>{back}</p>
        <h1 id="booth-title">{text.name}</h1>
        <p className="network">{t('lobby.network', { network: booth.network })}</p>
        <ConnectionIndicator />
        {error && (
          <p role="alert" className="error">
            {t.error(error)}
          </p>
        )}
        {visitPrivately && <p className="notice">{t('booth.visitingPrivately')}</p>}
        {staffConsole && <Link to={`/booths/${booth.slug}/console`}>{t('host.console')}</Link>}
      </div>
      {view.refusal ? (
        <Refused refusal={view.refusal} booth={booth} />
      ) : (
        <div className="booth-body">
          {/* The Chat and Questions tabs share the main column (left unindented: a small diff to merge). */}
          <div>
          <p className="row">
            <button type="button" className="secondary small" aria-pressed={!asking} onClick={() => setAsking(false)}>
              {t('chat.title')}
            </button>
            <button type="button" className="secondary small" aria-pressed={asking} onClick={() => setAsking(true)}>
              {t('questions.tab')}
            </button>
          </p>
          {/* Hidden, not unmounted: the chat keeps its place, and "Answer in chat" fills its composer. */}
          <div hidden={asking}>
          <section className="chat card" aria-labelledby="chat-title">
            <h2 id="chat-title">{t('chat.title')}</h2>
            {booth.pinned && (
              <section className="pinned" aria-labelledby="pinned-title">
                <h3 id="pinned-title">{t('mod.pinned')}</h3>
                <p>
                  <strong>{booth.pinned.authorName}</strong>
                    <RoleBadge role={booth.pinned.authorRole} />: <span className="body">{booth.pinned.body}</span>
                </p>
                {me && can(me, 'chat:pin', { boothId: booth.id }) && (
                  <button type="button" className="secondary small" onClick={() => void command('chat:pin', { boothId: booth.id, messageId: null })}>
                    {t('mod.unpin')}
                  </button>
                )}
              </section>
            )}
            {booth.slowModeSeconds > 0 && <p className="hint">{t('booth.slowMode', { seconds: booth.slowModeSeconds })}</p>}
            <ChatLog boothId={view.boothId} />
            {view.entered ? <Composer /> : <p role="status">{t('booth.joining')}</p>}
          </section>
          </div>
          {asking && (
            <Suspense fallback={null}>
              <QuestionsPanel boothId={booth.id} toChat={() => setAsking(false)} />
            </Suspense>
          )}
          </div>
          <aside className="booth-side">
            <VideoPanel booth={booth} joined={view.joined} />
            <section className="card" aria-labelledby="about-title">
              <h2 id="about-title">{t('booth.about')}</h2>
              <p>{text.description}</p>
              <p>
                <strong>{t('lobby.languages')}:</strong> {booth.languages.map((l) => t(`language.${l}` as MessageKey)).join(', ')}
              </p>
              <p>
                <strong>{t('lobby.tags')}:</strong> {booth.tags.join(', ')}
              </p>
              {booth.links.length > 0 && (
                <>
                  <h3>{t('booth.links')}</h3>
                  <ul>
                    {booth.links.map((link) => (
                      <li key={link.url}>
                        <a href={link.url} target="_blank" rel="noopener noreferrer">
                          {link.title}
                        </a>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
            <PresenceList presence={view.presence} total={view.presenceTotal} boothId={view.boothId} />
            {me && !me.hostedBoothIds.includes(booth.id) && (
              <Suspense fallback={null}>
                <FollowUp boothId={booth.id} boothName={text.name} />
              </Suspense>
            )}
          </aside>
        </div>
      )}
    </section>
  );
}
