import { useEffect, useState, type ReactNode } from 'react';
import { boothText } from '../../../../shared/booth-text.js';
import type { Booth, BoothSession } from '../../../../shared/booths.js';
import type { FairSettings } from '../../../../shared/fair.js';
import { inLanguage } from '../../../../shared/in-language.js';
import { api } from '../../lib/api.js';
import { LANGUAGES, type Language } from '../../../../shared/limits.js';
import { formatTimeRange } from '../../lib/time.js';
import { useNow } from '../../lib/use-now.js';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { Link } from '../../lib/router.js';

/** "Now" and "next" from the booth's schedule, in the viewer's language and time zone. */
function NowAndNext({ sessions }: { sessions: BoothSession[] }) {
  const t = useT();
  const now = useNow(60_000);
  const current = sessions.find((s) => Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now);
  const next = sessions.find((s) => Date.parse(s.startsAt) > now);
  const line = (key: 'lobby.now' | 'lobby.next', session: BoothSession) => (
    <p className="session">
      <strong>{t(key, { title: session.title })}</strong>{' '}
      {t('lobby.sessionTime', { time: formatTimeRange(session.startsAt, session.endsAt, t.locale), language: t(`language.${session.language}` as MessageKey) })}
    </p>
  );
  return (
    <>
      {current && line('lobby.now', current)}
      {next && line('lobby.next', next)}
    </>
  );
}

function BoothCard({ booth }: { booth: Booth }) {
  const t = useT();
  const headingId = `booth-${booth.id}-name`;
  const { name, description } = boothText(booth, t.locale);
  return (
    <li className="booth-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      <p className="network">{t('lobby.network', { network: booth.network })}</p>
      <p>{description}</p>
      <dl className="facts">
        <dt>{t('lobby.languages')}</dt>
        <dd>{booth.languages.map((language) => t(`language.${language}` as MessageKey)).join(', ')}</dd>
        <dt>{t('lobby.tags')}</dt>
        <dd>{booth.tags.join(', ')}</dd>
      </dl>
      <NowAndNext sessions={booth.sessions} />
      {booth.locked && booth.status === 'open' && <p className="muted">{t('lobby.locked')}</p>}
      <p className="occupancy" aria-live="off">
        {booth.status === 'closed' ? t('lobby.closed') : booth.waiting ? t('lobby.fullWaiting', { count: booth.waiting }) : t.plural('lobby.occupancy', booth.occupancy)}
        {booth.status === 'open' && booth.video && booth.videoParticipants > 0 && <> · {t.plural('video.onVideo', booth.videoParticipants)}</>}
      </p>
      {booth.status === 'open' && (
        <Link className="button" to={`/booths/${booth.slug}`}>
          {t('lobby.visitLabel', { name })}
        </Link>
      )}
    </li>
  );
}

function PrivateVisitToggle() {
  const t = useT();
  const visitPrivately = useStore((state) => state.visitPrivately);
  const setVisitPrivately = useStore((state) => state.setVisitPrivately);
  return (
    <div className="private-toggle">
      <label>
        <input type="checkbox" checked={visitPrivately} onChange={(event) => setVisitPrivately(event.target.checked)} aria-describedby="private-hint" />{' '}
        {t('lobby.private')}
      </label>
      <p id="private-hint" className="hint">
        {t('lobby.privateHint')}
      </p>
    </div>
  );
}

function LanguageFilter({ value, onChange }: { value: Language | 'all'; onChange: (value: Language | 'all') => void }) {
  const t = useT();
  return (
    <div className="inline-field">
      <label htmlFor="language-filter">{t('filter.language')}</label>
      <select id="language-filter" value={value} onChange={(event) => onChange(event.target.value as Language | 'all')}>
        <option value="all">{t('filter.all')}</option>
        {LANGUAGES.map((language) => (
          <option key={language} value={language}>
            {t(`language.${language}` as MessageKey)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The fair's name, welcome and dates (in the fair's own time zone, named), as organisers set them. */
function FairIntro() {
  const t = useT();
  const [fair, setFair] = useState<FairSettings | null>(null);
  useEffect(() => {
    void api<FairSettings>('/api/fair').then((result) => result.ok && setFair(result.data));
  }, []);
  if (!fair) return <p>{t('lobby.intro')}</p>;
  const name = inLanguage(fair.name, t.locale);
  const welcome = inLanguage(fair.welcome, t.locale);
  const when = (iso: string) => new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: fair.timeZone }).format(new Date(iso));
  return (
    <>
      {name && <p className="fair-name">{name}</p>}
      <p>{welcome ?? t('lobby.intro')}</p>
      {fair.startsAt && fair.endsAt && <p className="hint">{t('lobby.fairDates', { start: when(fair.startsAt), end: when(fair.endsAt), zone: fair.timeZone })}</p>}
      {fair.contactEmail && (
        <p className="hint">
          {t('lobby.contact')} <a href={`mailto:${fair.contactEmail}`}>{fair.contactEmail}</a>
        </p>
      )}
    </>
  );
}

/** The lobby; the app passes in what sits above the booths (guide, settings). */
export function LobbyPage({ before, settings }: { before?: ReactNode; settings?: ReactNode }) {
  const t = useT();
  const [language, setLanguage] = useState<Language | 'all'>('all');
  const booths = useStore((state) => state.booths);
  const error = useStore((state) => state.boothsError);
  const loadBooths = useStore((state) => state.loadBooths);

  useEffect(() => {
    void loadBooths();
  }, [loadBooths]);
  const shown = language === 'all' ? booths : booths?.filter((booth) => booth.languages.includes(language));

  return (
    <section aria-labelledby="lobby-title">
      <h1 id="lobby-title">{t('lobby.title')}</h1>
      <FairIntro />
      {useStore((state) => state.lobbyPrompt)}
      {before}
      <div className="lobby-settings">
        <PrivateVisitToggle />
        {settings}
        <LanguageFilter value={language} onChange={setLanguage} />
      </div>
      {error && (
        <div role="alert" className="error">
          <p>{t('lobby.loadFailed')}</p>
          <button type="button" onClick={() => void loadBooths()}>
            {t('action.retry')}
          </button>
        </div>
      )}
      {booths === undefined && !error && <p role="status">{t('app.loading')}</p>}
      {booths?.length === 0 && <p>{t('lobby.empty')}</p>}
      {shown && shown.length === 0 && booths!.length > 0 && <p>{t('filter.none')}</p>}
      {shown && shown.length > 0 && (
        <ul className="booth-grid" aria-label={t('lobby.title')}>
          {shown.map((booth) => (
            <BoothCard key={booth.id} booth={booth} />
          ))}
        </ul>
      )}
    </section>
  );
}
