import { useEffect, useState, type FormEvent } from 'react';
import type { ConductAdminView } from '../../../../shared/conduct.js';
import type { ApiError } from '../../../../shared/errors.js';
import { CONDUCT_TEXT_MAX_CHARS, LANGUAGES, type Language } from '../../../../shared/limits.js';
import { isLanguage, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert } from './ApiErrorAlert.js';
import { filled, perLanguage } from './per-language.js';
import { useOrganiserT } from './use-organiser-t.js';

function ConductForm({
  current,
  onPublished,
  onOvertaken,
}: {
  current: ConductAdminView;
  onPublished: (next: ConductAdminView) => void;
  /** Another organiser published meanwhile: the section shows that version; this form keeps the draft. */
  onOvertaken: () => void;
}) {
  const t = useOrganiserT();
  const [text, setText] = useState(perLanguage(current.text));
  /** The version this draft was written over: publishing over another is refused, then allowed once the organiser has been told. */
  const [base, setBase] = useState(current.version);
  const [overtaken, setOvertaken] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);

  async function publish(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const body = { baseVersion: base, text: filled(text) };
    const result = await api<ConductAdminView>('/api/admin/conduct', { method: 'PUT', body });
    setBusy(false);
    if (result.ok) {
      setError(null);
      return onPublished(result.data);
    }
    const newer = result.error.details?.version;
    if (result.error.code === 'CONFLICT' && newer !== undefined) {
      setError(null);
      setOvertaken(newer);
      setBase(newer);
      return onOvertaken();
    }
    setError(result.error);
  }

  /** `text.fr` → "Code of conduct, in French"; `text` (none written) → the section's name. */
  function fieldLabel(path: string): string {
    const second = path.split('.')[1];
    return second && isLanguage(second) ? `${t('org.conduct')}, ${t('org.inLanguage', { language: language(second) })}` : t('org.conduct');
  }

  return (
    <form onSubmit={(e) => void publish(e)} aria-labelledby="org-conduct-title">
      <p id="org-conduct-hint" className="hint">
        {t('org.conductHint')}
      </p>
      <fieldset>
        <legend>{t('org.conduct')}</legend>
        {LANGUAGES.map((l) => (
          <div key={l} className="field">
            <label htmlFor={`conduct-${l}`}>{t('org.inLanguage', { language: language(l) })}</label>
            <textarea
              id={`conduct-${l}`}
              lang={l}
              rows={8}
              maxLength={CONDUCT_TEXT_MAX_CHARS}
              aria-describedby="org-conduct-hint"
              value={text[l]}
              onChange={(e) => setText({ ...text, [l]: e.target.value })}
            />
          </div>
        ))}
      </fieldset>
      <ApiErrorAlert error={error} fieldLabel={fieldLabel} />
      {overtaken !== null && (
        <p role="alert" className="error">
          {t('org.conductOvertaken', { version: String(overtaken) })}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('org.conductPublish')}
      </button>
    </form>
  );
}

/** The code of conduct per language: publishing a change is a new version that everyone accepts again. */
export function ConductSection() {
  const t = useOrganiserT();
  const [current, setCurrent] = useState<ConductAdminView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  /** What the last publish did: a new version, or nothing (the same text). */
  const [outcome, setOutcome] = useState<'published' | 'unchanged' | null>(null);
  const published = (next: ConductAdminView) => {
    setOutcome(next.version === current?.version ? 'unchanged' : 'published');
    setCurrent(next);
    setEdition((n) => n + 1);
  };
  /** Bumped on each publish: the form starts again from what was published. */
  const [edition, setEdition] = useState(0);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    void api<ConductAdminView>('/api/admin/conduct').then((result) => (result.ok ? setCurrent(result.data) : setError(result.error)));
  }, [reloads]);
  return (
    <section className="card" aria-labelledby="org-conduct-title">
      <h2 id="org-conduct-title">{t('org.conduct')}</h2>
      <ApiErrorAlert error={error} />
      {current && (
        <p>
          {current.publishedAt
            ? t('org.conductVersion', {
                version: String(current.version),
                date: new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(current.publishedAt)),
              })
            : t('org.conductNone')}
        </p>
      )}
      {outcome && current && <p role="status">{t(outcome === 'published' ? 'org.conductPublished' : 'org.conductUnchanged', { version: String(current.version) })}</p>}
      {current ? <ConductForm key={edition} current={current} onPublished={published} onOvertaken={() => setReloads((n) => n + 1)} /> : !error && <p role="status">{t.app('app.loading')}</p>}
    </section>
  );
}
