import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { AdminBooth, Booth, BoothLink, BoothStatus } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import type { Invite } from '../../../../shared/invites.js';
import { BOOTH_CAPACITY_MAX, BOOTH_DESCRIPTION_MAX_CHARS, BOOTH_NAME_MAX_CHARS, LANGUAGES, type Language } from '../../../../shared/limits.js';
import type { MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert, fieldName } from './ApiErrorAlert.js';
import { InviteLink } from './CopyLink.js';
import { DataTable } from './DataTable.js';
import { useOrganiserT, type OrganiserKey, type OrganiserT } from './use-organiser-t.js';

type Texts = Record<Language, { name: string; description: string }>;

/** The booth's text per language: its first language is `name`/`description`, the others `translations`. */
function textsOf(booth: Booth | undefined): Texts {
  const texts: Texts = { en: { name: '', description: '' }, es: { name: '', description: '' }, fr: { name: '', description: '' } };
  if (!booth) return texts;
  for (const language of LANGUAGES) {
    const translated = booth.translations[language];
    if (translated) texts[language] = { ...translated };
  }
  const first = booth.languages[0] ?? 'en';
  texts[first] = { name: booth.name, description: booth.description };
  return texts;
}

/** One link per line: its title, then its address (the last word). */
const linksToText = (links: BoothLink[]) => links.map((link) => `${link.title} ${link.url}`).join('\n');
function textToLinks(text: string): BoothLink[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const cut = line.lastIndexOf(' ');
      return cut < 0 ? { title: line, url: line } : { title: line.slice(0, cut).trim(), url: line.slice(cut + 1) };
    });
}

/** Also the statuses the form offers (a value import of booths.ts would bring zod into this chunk). */
const STATUS_NAMES: Record<BoothStatus, OrganiserKey> = { open: 'org.statusOpen', closed: 'org.statusClosed' };
const statusName = (t: OrganiserT, status: BoothStatus) => t(STATUS_NAMES[status]);

/** Create a booth, or edit every field of one (archive too). */
function BoothForm({ entry, onSaved, onCancel }: { entry: AdminBooth | null; onSaved: () => void; onCancel: () => void }) {
  const t = useOrganiserT();
  const booth = entry?.booth;
  const [slug, setSlug] = useState(booth?.slug ?? '');
  const [network, setNetwork] = useState(booth?.network ?? '');
  const [first, setFirst] = useState<Language>(booth?.languages[0] ?? 'en');
  const [languages, setLanguages] = useState<Language[]>(booth?.languages ?? ['en']);
  const [texts, setTexts] = useState<Texts>(() => textsOf(booth));
  const [tags, setTags] = useState(booth?.tags.join(', ') ?? '');
  const [links, setLinks] = useState(linksToText(booth?.links ?? []));
  const [capacity, setCapacity] = useState(String(booth?.capacity ?? 100));
  const [status, setStatus] = useState<BoothStatus>(booth?.status ?? 'open');
  const [archived, setArchived] = useState(entry?.archived ?? false);
  const [error, setError] = useState<ApiError | null>(null);
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);
  const setText = (l: Language, change: Partial<Texts[Language]>) => setTexts((held) => ({ ...held, [l]: { ...held[l], ...change } }));

  /** The label of the field the server refused (`translations.es.name`, `links.0.url`, …). */
  function fieldLabel(path: string): string {
    const [head, second, third] = path.split('.');
    const textLanguage = head === 'translations' ? (second as Language) : first;
    const part = head === 'translations' ? third : head;
    if (part === 'name') return t('org.boothNameIn', { language: language(textLanguage) });
    if (part === 'description') return t('org.descriptionIn', { language: language(textLanguage) });
    const labels: Record<string, OrganiserKey> = { slug: 'org.slug', network: 'org.network', languages: 'org.boothLanguages', tags: 'org.tags', links: 'org.links', capacity: 'org.capacity', status: 'org.status' };
    return head && Object.hasOwn(labels, head) ? t(labels[head]!) : path;
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const main = texts[first];
    const others = LANGUAGES.filter((l) => l !== first && (texts[l].name.trim() || texts[l].description.trim()));
    const body = {
      slug: slug.trim(),
      name: main.name,
      network,
      description: main.description,
      // A translation needs a name: one given only a description keeps the first language's name.
      translations: Object.fromEntries(others.map((l) => [l, { name: texts[l].name.trim() || main.name, description: texts[l].description }])),
      languages: [first, ...LANGUAGES.filter((l) => l !== first && languages.includes(l))],
      tags: tags.split(',').map((tag) => tag.trim()).filter(Boolean),
      links: textToLinks(links),
      capacity: Number(capacity),
      status,
    };
    const result = booth
      ? await api<{ booth: Booth }>(`/api/admin/booths/${booth.id}`, { method: 'PATCH', body: { ...body, archived } })
      : await api<{ booth: Booth }>('/api/admin/booths', { body });
    if (result.ok) onSaved();
    else setError(result.error);
  }

  const prefix = booth ? `booth-${booth.id}` : 'new-booth';
  return (
    <form onSubmit={(e) => void save(e)} aria-label={booth ? t('org.editBooth', { name: booth.name }) : t('org.newBooth')}>
      <label htmlFor={`${prefix}-slug`}>{t('org.slug')}</label>
      <input id={`${prefix}-slug`} required value={slug} onChange={(e) => setSlug(e.target.value)} aria-describedby={`${prefix}-slug-hint`} />
      <p id={`${prefix}-slug-hint`} className="hint">
        {t('org.slugHint')}
      </p>
      <label htmlFor={`${prefix}-network`}>{t('org.network')}</label>
      <input id={`${prefix}-network`} required maxLength={BOOTH_NAME_MAX_CHARS} value={network} onChange={(e) => setNetwork(e.target.value)} />
      <fieldset>
        <legend>{t('org.boothLanguages')}</legend>
        {LANGUAGES.map((l) => (
          <label key={l} className="choice">
            <input
              type="checkbox"
              checked={languages.includes(l) || l === first}
              disabled={l === first}
              onChange={(e) => setLanguages((held) => (e.target.checked ? [...held, l] : held.filter((x) => x !== l)))}
            />{' '}
            {language(l)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${prefix}-first`}>{t('org.firstLanguage')}</label>
      <select id={`${prefix}-first`} value={first} onChange={(e) => setFirst(e.target.value as Language)} aria-describedby={`${prefix}-first-hint`}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {language(l)}
          </option>
        ))}
      </select>
      <p id={`${prefix}-first-hint`} className="hint">
        {t('org.firstLanguageHint')}
      </p>
      {[first, ...LANGUAGES.filter((l) => l !== first)].map((l) => (
        <fieldset key={l}>
          <legend>{t('org.textIn', { language: language(l) })}</legend>
          <label htmlFor={`${prefix}-name-${l}`}>{t('org.boothNameIn', { language: language(l) })}</label>
          <input id={`${prefix}-name-${l}`} lang={l} required={l === first} maxLength={BOOTH_NAME_MAX_CHARS} value={texts[l].name} onChange={(e) => setText(l, { name: e.target.value })} />
          <label htmlFor={`${prefix}-description-${l}`}>{t('org.descriptionIn', { language: language(l) })}</label>
          <textarea id={`${prefix}-description-${l}`} lang={l} rows={3} maxLength={BOOTH_DESCRIPTION_MAX_CHARS} value={texts[l].description} onChange={(e) => setText(l, { description: e.target.value })} />
        </fieldset>
      ))}
      <label htmlFor={`${prefix}-tags`}>{t('org.tags')}</label>
      <input id={`${prefix}-tags`} value={tags} onChange={(e) => setTags(e.target.value)} aria-describedby={`${prefix}-tags-hint`} />
      <p id={`${prefix}-tags-hint`} className="hint">
        {t('org.tagsHint')}
      </p>
      <label htmlFor={`${prefix}-links`}>{t('org.links')}</label>
      <textarea id={`${prefix}-links`} rows={3} value={links} onChange={(e) => setLinks(e.target.value)} aria-describedby={`${prefix}-links-hint`} />
      <p id={`${prefix}-links-hint`} className="hint">
        {t('org.linksHint')}
      </p>
      <label htmlFor={`${prefix}-capacity`}>{t('org.capacity')}</label>
      <input id={`${prefix}-capacity`} type="number" required min={1} max={BOOTH_CAPACITY_MAX} value={capacity} onChange={(e) => setCapacity(e.target.value)} />
      <label htmlFor={`${prefix}-status`}>{t('org.status')}</label>
      <select id={`${prefix}-status`} value={status} onChange={(e) => setStatus(e.target.value as BoothStatus)}>
        {(Object.keys(STATUS_NAMES) as BoothStatus[]).map((s) => (
          <option key={s} value={s}>
            {statusName(t, s)}
          </option>
        ))}
      </select>
      {booth && (
        <label className="choice">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> {t('org.archivedChoice')}
        </label>
      )}
      <ApiErrorAlert error={error} fieldLabel={fieldLabel} />
      <div className="row">
        <button type="submit">{booth ? t('org.saveBooth') : t('org.createBooth')}</button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('org.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The booth's hosts: remove one, or add one by email (an account at once, else an invitation link). */
function HostsEditor({ entry, onChanged }: { entry: AdminBooth; onChanged: () => void }) {
  const t = useOrganiserT();
  const id = useId();
  const [email, setEmail] = useState('');
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const boothId = entry.booth.id;

  async function add(event: FormEvent) {
    event.preventDefault();
    const result = await api<{ hosts?: AdminBooth['hosts']; invite?: Invite }>(`/api/admin/booths/${boothId}/hosts`, { body: { email: email.trim() } });
    if (!result.ok) return setError(result.error);
    setError(null);
    setEmail('');
    setInvite(result.data.invite ?? null);
    onChanged();
  }
  async function remove(userId: string) {
    const result = await api<void>(`/api/admin/booths/${boothId}/hosts/${encodeURIComponent(userId)}`, { method: 'DELETE' });
    if (!result.ok) return setError(result.error);
    setError(null);
    onChanged();
  }

  return (
    <section aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('org.hostsOf', { name: entry.booth.name })}</h4>
      {entry.hosts.length === 0 ? (
        <p>{t('org.noHosts')}</p>
      ) : (
        <ul className="stack">
          {entry.hosts.map((host) => (
            <li key={host.id} className="row">
              <span>
                {host.displayName} ({host.email})
              </span>
              <button type="button" className="secondary small" onClick={() => void remove(host.id)}>
                {t('org.removeHost', { name: host.displayName })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)} aria-label={t('org.addHost')}>
        <label htmlFor={`${id}-email`}>{t('org.hostEmail')}</label>
        <input id={`${id}-email`} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={`${id}-hint`} />
        <p id={`${id}-hint`} className="hint">
          {t('org.hostEmailHint')}
        </p>
        <button type="submit">{t('org.addHost')}</button>
      </form>
      <ApiErrorAlert error={error} fieldLabel={(path) => fieldName(t, path)} />
      {invite && <InviteLink invite={invite} message={t(invite.mail.state === 'sent' ? 'org.hostInvitedEmailed' : 'org.hostInvited', { email: invite.email })} />}
    </section>
  );
}

/** Every booth (archived ones too) with its hosts; create one, or edit one and its hosts. */
export function BoothsSection({ booths, error, reload }: { booths: AdminBooth[] | null; error: ApiError | null; reload: () => void }) {
  const t = useOrganiserT();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [created, setCreated] = useState(false);
  const editor = useRef<HTMLHeadingElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (editing !== null) editor.current?.focus();
  }, [editing]);
  const entry = typeof editing === 'number' ? booths?.find((b) => b.booth.id === editing) ?? null : null;
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);

  return (
    <section className="card" aria-labelledby="org-booths-title">
      <h2 id="org-booths-title" ref={heading} tabIndex={-1}>
        {t('org.booths')}
      </h2>
      <ApiErrorAlert error={error} />
      {booths && (
        <DataTable label={t('org.booths')} columns={[t('org.boothName'), t('org.slug'), t('org.boothLanguages'), t('org.capacity'), t('org.status'), t('org.hosts'), t('org.actions')]}>
          {booths.map(({ booth, archived, hosts }) => (
            <tr key={booth.id}>
              <td>{booth.name}</td>
              <td>{booth.slug}</td>
              <td>{booth.languages.map(language).join(', ')}</td>
              <td>{booth.capacity}</td>
              <td>{archived ? t('org.archived') : statusName(t, booth.status)}</td>
              <td>{hosts.map((host) => host.displayName).join(', ')}</td>
              <td>
                <button type="button" className="secondary small" onClick={() => setEditing(booth.id)}>
                  {t('org.edit', { name: booth.name })}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {created && editing === null && <p role="status">{t('org.saved')}</p>}
      {editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          {t('org.newBooth')}
        </button>
      ) : (
        <div className="editor">
          <h3 ref={editor} tabIndex={-1}>
            {entry ? t('org.editBooth', { name: entry.booth.name }) : t('org.newBooth')}
          </h3>
          <BoothForm
            key={editing}
            entry={entry}
            onSaved={() => {
              setCreated(true);
              setEditing(null);
              reload();
              // The form is gone: focus goes back to the top of the section, not to the page's start.
              heading.current?.focus();
            }}
            onCancel={() => setEditing(null)}
          />
          {entry && <HostsEditor entry={entry} onChanged={reload} />}
        </div>
      )}
    </section>
  );
}
