import { Fragment, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { BoothFeedbackView } from '../../../../shared/booth-feedback.js';
import type { Booth, BoothFigures, BoothLink } from '../../../../shared/booths.js';
import type { ApiError, Result } from '../../../../shared/errors.js';
import { ANNOUNCEMENT_MAX_CHARS, BOOTH_DESCRIPTION_MAX_CHARS, BOOTH_LINKS_MAX, LANGUAGES, SLOW_MODE_MAX_SECONDS, type Language } from '../../../../shared/limits.js';
import { privateVisitorNumber } from '../../../../shared/private-visit.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { hostConsole } from '../../i18n/parts/host-console.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';
import { command } from '../../lib/socket.js';
import { formatTimeRange } from '../../lib/time.js';
import { StaffQueue } from '../queue/StaffQueue.js';
import { ContactRequestsPanel } from '../contacts/ContactRequestsPanel.js';

const NO_ANSWER: ApiError = { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' };

/** A private visitor waits under the booth pseudonym (only moderators get names): translated here. */
function waitingName(t: ReturnType<typeof useT>, person: { userId: string; displayName: string }): string {
  const number = privateVisitorNumber({ id: person.userId, displayName: person.displayName });
  return number === null ? person.displayName : t('privacy.privateVisitor', { number });
}

/** A form section that sends one command and shows "Saved." or the error in the member's language. */
function CommandForm<T>({ title, submitLabel, send, onDone, children }: { title: string; submitLabel: string; send: () => Promise<Result<T> | null>; onDone?: (data: T) => void; children: ReactNode }) {
  const t = useT();
  const th = usePartT(hostConsole);
  const headingId = useId();
  const [state, setState] = useState<{ error: ApiError | null; saved: boolean }>({ error: null, saved: false });
  async function submit(event: FormEvent) {
    event.preventDefault();
    const ack = await send();
    if (ack?.ok) {
      setState({ error: null, saved: true });
      onDone?.(ack.data);
    } else setState({ error: ack ? ack.error : NO_ANSWER, saved: false });
  }
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <form onSubmit={(e) => void submit(e)}>
        {children}
        {state.error && (
          <p role="alert" className="error">
            {t.error(state.error)}
          </p>
        )}
        {state.saved && <p role="status">{th('host.saved')}</p>}
        <button type="submit">{submitLabel}</button>
      </form>
    </section>
  );
}

function ProfileForm({ booth, onSaved }: { booth: Booth; onSaved: (booth: Booth) => void }) {
  const t = useT();
  const th = usePartT(hostConsole);
  const [description, setDescription] = useState(booth.description);
  const [languages, setLanguages] = useState<Language[]>(booth.languages);
  const [tags, setTags] = useState(booth.tags.join(', '));
  const [links, setLinks] = useState<BoothLink[]>(booth.links);
  const setLink = (i: number, change: Partial<BoothLink>) => setLinks((held) => held.map((link, j) => (j === i ? { ...link, ...change } : link)));
  const send = () =>
    command('booth:edit', {
      boothId: booth.id,
      description,
      languages,
      tags: tags.split(',').map((tag) => tag.trim()).filter(Boolean),
      links: links.filter((link) => link.title.trim() || link.url.trim()),
    });
  return (
    <CommandForm title={th('host.profile')} submitLabel={th('host.save')} send={send} onDone={onSaved}>
      <label htmlFor="profile-description">{th('host.description')}</label>
      <textarea id="profile-description" rows={4} maxLength={BOOTH_DESCRIPTION_MAX_CHARS} value={description} onChange={(e) => setDescription(e.target.value)} />
      <fieldset>
        <legend>{th('host.languages')}</legend>
        {LANGUAGES.map((language) => (
          <label key={language} className="choice">
            <input
              type="checkbox"
              checked={languages.includes(language)}
              onChange={(e) => setLanguages((held) => (e.target.checked ? [...held, language] : held.filter((l) => l !== language)))}
            />{' '}
            {t(`language.${language}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      <label htmlFor="profile-tags">{th('host.tags')}</label>
      <input id="profile-tags" value={tags} onChange={(e) => setTags(e.target.value)} aria-describedby="profile-tags-hint" />
      <p id="profile-tags-hint" className="hint">
        {th('host.tagsHint')}
      </p>
      <fieldset>
        <legend>{th('host.links')}</legend>
        {links.map((link, i) => (
          <div key={i} className="link-row">
            <label htmlFor={`link-title-${i}`}>{th('host.linkTitle', { n: i + 1 })}</label>
            <input id={`link-title-${i}`} value={link.title} onChange={(e) => setLink(i, { title: e.target.value })} />
            <label htmlFor={`link-url-${i}`}>{th('host.linkUrl', { n: i + 1 })}</label>
            <input id={`link-url-${i}`} type="url" value={link.url} onChange={(e) => setLink(i, { url: e.target.value })} />
            <button type="button" className="secondary small" onClick={() => setLinks((held) => held.filter((_, j) => j !== i))}>
              {th('host.removeLink', { n: i + 1 })}
            </button>
          </div>
        ))}
        {links.length < BOOTH_LINKS_MAX && (
          <button type="button" className="secondary small" onClick={() => setLinks((held) => [...held, { title: '', url: '' }])}>
            {th('host.addLink')}
          </button>
        )}
      </fieldset>
    </CommandForm>
  );
}

function SettingsForm({ booth, onSaved }: { booth: Booth; onSaved: (booth: Booth) => void }) {
  const th = usePartT(hostConsole);
  const [slowMode, setSlowMode] = useState(String(booth.slowModeSeconds));
  const [locked, setLocked] = useState(booth.locked);
  return (
    <CommandForm
      title={th('host.settings')}
      submitLabel={th('host.saveSettings')}
      send={() => command('booth:update', { boothId: booth.id, slowModeSeconds: Number(slowMode) || 0, locked })}
      onDone={onSaved}
    >
      <label htmlFor="slow-mode">{th('host.slowMode')}</label>
      <input id="slow-mode" type="number" min={0} max={SLOW_MODE_MAX_SECONDS} value={slowMode} onChange={(e) => setSlowMode(e.target.value)} />
      <label className="choice">
        <input type="checkbox" checked={locked} onChange={(e) => setLocked(e.target.checked)} /> {th('host.locked')}
      </label>
    </CommandForm>
  );
}

/** `datetime-local` gives local wall time; the server wants an instant. */
const toInstant = (local: string) => (local ? new Date(local).toISOString() : '');

function ScheduleEditor({ booth, onSaved }: { booth: Booth; onSaved: (booth: Booth) => void }) {
  const t = useT();
  const th = usePartT(hostConsole);
  const [title, setTitle] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [language, setLanguage] = useState<Language>(booth.languages[0] ?? 'en');
  const [error, setError] = useState<ApiError | null>(null);
  async function remove(sessionId: number) {
    const ack = await command('schedule:remove', { boothId: booth.id, sessionId });
    if (ack?.ok) onSaved(ack.data);
    else setError(ack ? ack.error : NO_ANSWER);
  }
  return (
    <div>
      {booth.sessions.length === 0 ? (
        <p>{th('host.scheduleEmpty')}</p>
      ) : (
        <ul className="stack" aria-label={th('host.schedule')}>
          {booth.sessions.map((session) => (
            <li key={session.id}>
              <strong>{session.title}</strong> — {formatTimeRange(session.startsAt, session.endsAt, t.locale)} ({t(`language.${session.language}` as MessageKey)}){' '}
              <button type="button" className="secondary small" onClick={() => void remove(session.id)}>
                {th('host.removeSession', { title: session.title })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="error">
          {t.error(error)}
        </p>
      )}
      <CommandForm
        title={th('host.addSession')}
        submitLabel={th('host.addSession')}
        send={() => command('schedule:add', { boothId: booth.id, session: { title, startsAt: toInstant(start), endsAt: toInstant(end), language } })}
        onDone={(updated) => {
          setTitle('');
          onSaved(updated);
        }}
      >
        <label htmlFor="session-title">{th('host.sessionTitle')}</label>
        <input id="session-title" required value={title} onChange={(e) => setTitle(e.target.value)} />
        <label htmlFor="session-start">{th('host.start')}</label>
        <input id="session-start" type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />
        <label htmlFor="session-end">{th('host.end')}</label>
        <input id="session-end" type="datetime-local" required value={end} onChange={(e) => setEnd(e.target.value)} />
        <label htmlFor="session-language">{th('host.language')}</label>
        <select id="session-language" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t(`language.${l}` as MessageKey)}
            </option>
          ))}
        </select>
      </CommandForm>
    </div>
  );
}

function Figures({ boothId }: { boothId: number }) {
  const t = useT();
  const th = usePartT(hostConsole);
  const [figures, setFigures] = useState<BoothFigures | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const query = `tzOffsetMinutes=${new Date().getTimezoneOffset()}`;
  useEffect(() => {
    void api<BoothFigures>(`/api/booths/${boothId}/figures?${query}`).then((result) => (result.ok ? setFigures(result.data) : setError(result.error)));
  }, [boothId, query, version]);
  const number = (n: number) => new Intl.NumberFormat(t.locale).format(n);
  return (
    <section className="card" aria-labelledby="figures-title">
      <h2 id="figures-title">{th('host.figures')}</h2>
      {error && (
        <p role="alert" className="error">
          {t.error(error)}
        </p>
      )}
      {figures && (
        <>
          <dl className="facts">
            <dt>{th('host.visitorsNow')}</dt>
            <dd>{number(figures.visitorsNow)}</dd>
            <dt>{th('host.visitorsToday')}</dt>
            <dd>{number(figures.visitorsToday)}</dd>
            <dt>{th('host.peak')}</dt>
            <dd>{number(figures.peakConcurrency)}</dd>
            <dt>{th('host.messages')}</dt>
            <dd>{number(figures.messagesToday)}</dd>
            <dt>{th('host.averageStay')}</dt>
            <dd>{th('host.duration', { minutes: Math.floor(figures.averageVisitSeconds / 60), seconds: figures.averageVisitSeconds % 60 })}</dd>
          </dl>
          <h3>{th('host.waiting')}</h3>
          {figures.hostPresent ? (
            <p>{th('host.hostPresent')}</p>
          ) : figures.waiting.length === 0 ? (
            <p>{th('host.waitingNone')}</p>
          ) : (
            <ul aria-label={th('host.waiting')}>
              {figures.waiting.map((person) => (
                <li key={person.userId}>{waitingName(t, person)}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <div className="row">
        <button type="button" className="secondary small" onClick={() => setVersion((v) => v + 1)}>
          {th('host.refresh')}
        </button>
        <a href={`/api/booths/${boothId}/figures?format=csv&${query}`} download>
          {th('host.csv')}
        </a>
      </div>
    </section>
  );
}

/** The booth's ratings as visitors left them: average, how many gave each, and comments, never names. */
function Ratings({ slug }: { slug: string }) {
  const t = useT();
  const th = usePartT(hostConsole);
  const [ratings, setRatings] = useState<BoothFeedbackView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<BoothFeedbackView>(`/api/booths/${encodeURIComponent(slug)}/feedback`).then((result) => (result.ok ? setRatings(result.data) : setError(result.error)));
  }, [slug]);
  const number = (n: number) => new Intl.NumberFormat(t.locale).format(n);
  return (
    <section className="card" aria-labelledby="ratings-title">
      <h2 id="ratings-title">{th('host.ratings')}</h2>
      <p className="hint">{th('host.ratingsHint')}</p>
      {error && (
        <p role="alert" className="error">
          {t.error(error)}
        </p>
      )}
      {ratings && ratings.count === 0 && <p>{th('host.ratingsNone')}</p>}
      {ratings && ratings.count > 0 && (
        <>
          <dl className="facts">
            <dt>{th('host.ratingsCount')}</dt>
            <dd>{number(ratings.count)}</dd>
            <dt>{th('host.ratingsAverage')}</dt>
            <dd>{ratings.average === null ? '' : number(ratings.average)}</dd>
            {ratings.distribution.map((n, i) => (
              <Fragment key={i}>
                <dt>{th('host.ratingOf', { rating: i + 1 })}</dt>
                <dd>{number(n)}</dd>
              </Fragment>
            ))}
          </dl>
          <h3>{th('host.ratingsComments')}</h3>
          {ratings.comments.length === 0 ? (
            <p>{th('host.ratingsNoComments')}</p>
          ) : (
            <ul aria-label={th('host.ratingsComments')}>
              {ratings.comments.map((comment, i) => (
                <li key={i}>
                  <strong>{th('host.ratingOf', { rating: comment.rating })}</strong> {comment.comment}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** The host console: booth editor, schedule, chat settings, figures and a booth announcement. */
export function HostConsolePage({ slug }: { slug: string }) {
  const t = useT();
  const th = usePartT(hostConsole);
  const me = useStore((state) => state.me);
  const [booth, setBooth] = useState<Booth | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [announcement, setAnnouncement] = useState('');
  useEffect(() => {
    void api<Booth>(`/api/booths/${encodeURIComponent(slug)}`).then((result) => (result.ok ? setBooth(result.data) : setError(result.error)));
  }, [slug]);
  if (error) {
    return (
      <p role="alert" className="error">
        {t.error(error)}
      </p>
    );
  }
  if (!booth || !me) return <p role="status">{t('app.loading')}</p>;
  const scope = { boothId: booth.id };
  if (!can(me, 'booth:edit-profile', scope) && !can(me, 'booth:figures', scope) && !can(me, 'booth:staff', scope)) return <p role="alert">{t('error.FORBIDDEN')}</p>;
  return (
    <section aria-labelledby="console-title">
      <p>
        <Link to={`/booths/${booth.slug}`}>{th('host.back')}</Link>
      </p>
      <h1 id="console-title">{th('host.consoleFor', { name: booth.name })}</h1>
      <div className="panel-grid">
        {can(me, 'booth:staff', scope) && <ContactRequestsPanel boothId={booth.id} slug={booth.slug} />}
        {can(me, 'booth:figures', scope) && <Figures boothId={booth.id} />}
        {can(me, 'booth:staff', scope) && <StaffQueue boothId={booth.id} />}
        {can(me, 'booth:feedback', scope) && <Ratings slug={booth.slug} />}
        {can(me, 'booth:edit-profile', scope) && <ProfileForm booth={booth} onSaved={setBooth} />}
        {can(me, 'booth:configure', scope) && <SettingsForm booth={booth} onSaved={setBooth} />}
        {can(me, 'booth:edit-profile', scope) && (
          <section className="card" aria-labelledby="schedule-title">
            <h2 id="schedule-title">{th('host.schedule')}</h2>
            <ScheduleEditor booth={booth} onSaved={setBooth} />
          </section>
        )}
        {can(me, 'announcement:create', scope) && (
          <CommandForm
            title={th('host.announce')}
            submitLabel={th('host.announceSend')}
            send={() => command('announcement:create', { text: announcement.trim(), boothId: booth.id })}
            onDone={() => setAnnouncement('')}
          >
            <label htmlFor="booth-announcement">{t('mod.announceText')}</label>
            <textarea id="booth-announcement" rows={2} required maxLength={ANNOUNCEMENT_MAX_CHARS} value={announcement} onChange={(e) => setAnnouncement(e.target.value)} />
          </CommandForm>
        )}
      </div>
    </section>
  );
}
