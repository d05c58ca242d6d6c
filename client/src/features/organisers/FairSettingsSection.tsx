import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import type { FairSettings } from '../../../../shared/fair.js';
import { FAIR_NAME_MAX_CHARS, FAIR_WELCOME_MAX_CHARS, LANGUAGES, type Language } from '../../../../shared/limits.js';
import { isLanguage, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert } from './ApiErrorAlert.js';
import { filled, perLanguage } from './per-language.js';
import { useOrganiserT, type OrganiserKey } from './use-organiser-t.js';
import { instantToZonedInput, zonedInputToInstant } from './zoned-time.js';


/** Every IANA zone the browser knows, with the current one kept even if it does not list it. */
function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

function SettingsForm({ fair, onSaved }: { fair: FairSettings; onSaved: (fair: FairSettings) => void }) {
  const t = useOrganiserT();
  const [name, setName] = useState(perLanguage(fair.name));
  const [welcome, setWelcome] = useState(perLanguage(fair.welcome));
  const [timeZone, setTimeZone] = useState(fair.timeZone);
  const [startsAt, setStartsAt] = useState(instantToZonedInput(fair.startsAt, fair.timeZone));
  const [endsAt, setEndsAt] = useState(instantToZonedInput(fair.endsAt, fair.timeZone));
  const [contact, setContact] = useState(fair.contactEmail ?? '');
  const [state, setState] = useState<{ error: ApiError | null; saved: boolean }>({ error: null, saved: false });
  const zones = useMemo(() => timeZones(fair.timeZone), [fair.timeZone]);
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);

  /** The label of the field the server refused (`name.fr`, `contactEmail`, …). */
  function fieldLabel(path: string): string {
    const [head, second] = path.split('.');
    const labels: Record<string, OrganiserKey> = { name: 'org.fairName', welcome: 'org.welcome', startsAt: 'org.startsAt', endsAt: 'org.endsAt', timeZone: 'org.timeZone', contactEmail: 'org.contactEmail' };
    if (!head || !Object.hasOwn(labels, head)) return path;
    const label = t(labels[head]!);
    return second && isLanguage(second) ? `${label}, ${t('org.inLanguage', { language: language(second) })}` : label;
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const body: FairSettings = {
      name: filled(name),
      welcome: filled(welcome),
      startsAt: zonedInputToInstant(startsAt, timeZone),
      endsAt: zonedInputToInstant(endsAt, timeZone),
      timeZone,
      contactEmail: contact.trim() || null,
    };
    const result = await api<FairSettings>('/api/admin/fair', { method: 'PUT', body });
    if (result.ok) {
      setState({ error: null, saved: true });
      onSaved(result.data);
    } else setState({ error: result.error, saved: false });
  }

  return (
    <form onSubmit={(e) => void save(e)} aria-labelledby="org-fair-title">
      <fieldset>
        <legend>{t('org.fairName')}</legend>
        {LANGUAGES.map((l) => (
          <div key={l} className="field">
            <label htmlFor={`fair-name-${l}`}>{t('org.inLanguage', { language: language(l) })}</label>
            <input id={`fair-name-${l}`} lang={l} maxLength={FAIR_NAME_MAX_CHARS} value={name[l]} onChange={(e) => setName({ ...name, [l]: e.target.value })} />
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('org.welcome')}</legend>
        {LANGUAGES.map((l) => (
          <div key={l} className="field">
            <label htmlFor={`fair-welcome-${l}`}>{t('org.inLanguage', { language: language(l) })}</label>
            <textarea id={`fair-welcome-${l}`} lang={l} rows={3} maxLength={FAIR_WELCOME_MAX_CHARS} value={welcome[l]} onChange={(e) => setWelcome({ ...welcome, [l]: e.target.value })} />
          </div>
        ))}
      </fieldset>
      <label htmlFor="fair-time-zone">{t('org.timeZone')}</label>
      <select id="fair-time-zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
      <label htmlFor="fair-starts">{t('org.startsAt')}</label>
      <input id="fair-starts" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} aria-describedby="fair-dates-hint" />
      <label htmlFor="fair-ends">{t('org.endsAt')}</label>
      <input id="fair-ends" type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} aria-describedby="fair-dates-hint" />
      <p id="fair-dates-hint" className="hint">
        {t('org.datesHint', { zone: timeZone })}
      </p>
      <label htmlFor="fair-contact">{t('org.contactEmail')}</label>
      <input id="fair-contact" type="email" autoComplete="off" value={contact} onChange={(e) => setContact(e.target.value)} />
      <ApiErrorAlert error={state.error} fieldLabel={fieldLabel} />
      {state.saved && <p role="status">{t('org.saved')}</p>}
      <button type="submit">{t('org.saveFair')}</button>
    </form>
  );
}

/** The fair's name and welcome text per language, its dates in its own time zone, and the organisers' address. */
export function FairSettingsSection() {
  const t = useOrganiserT();
  const [fair, setFair] = useState<FairSettings | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<FairSettings>('/api/fair').then((result) => (result.ok ? setFair(result.data) : setError(result.error)));
  }, []);
  return (
    <section className="card" aria-labelledby="org-fair-title">
      <h2 id="org-fair-title">{t('org.fair')}</h2>
      <ApiErrorAlert error={error} />
      {fair ? <SettingsForm fair={fair} onSaved={setFair} /> : !error && <p role="status">{t.app('app.loading')}</p>}
    </section>
  );
}
