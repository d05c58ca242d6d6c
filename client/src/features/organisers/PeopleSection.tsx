import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { AdminBooth } from '../../../../shared/booths.js';
import type { ApiError, Result } from '../../../../shared/errors.js';
import type { Invite } from '../../../../shared/invites.js';
import { LANGUAGES, MODERATION_REASON_MAX_CHARS, RESTRICTION_MAX_MINUTES, type Language } from '../../../../shared/limits.js';
import type { PendingInvite, Person, PersonStatus } from '../../../../shared/people.js';
import { ORGANISATION_MAX_CHARS } from '../../../../shared/limits.js';
import { ROLES, type Role } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { command } from '../../lib/socket.js';
import { ApiErrorAlert, fieldName } from './ApiErrorAlert.js';
import { useComplaintsT } from './ComplaintsSection.js';
import { InviteLink } from './CopyLink.js';
import { DataTable } from './DataTable.js';
import { useOrganiserT, type OrganiserKey, type OrganiserT } from './use-organiser-t.js';

const NO_ANSWER: ApiError = { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' };
const ROLE_NAMES: Record<Role, OrganiserKey> = { member: 'org.roleMember', host: 'org.roleHost', moderator: 'org.roleModerator', admin: 'org.roleAdmin' };
/** Also the list the status filter offers (a value import of people.ts would bring zod into this chunk). */
const STATUS_NAMES: Record<PersonStatus, OrganiserKey> = { active: 'org.active', deactivated: 'org.deactivated' };
export const roleName = (t: OrganiserT, role: string) => (Object.hasOwn(ROLE_NAMES, role) ? t(ROLE_NAMES[role as Role]) : role);
const formatDate = (iso: string, locale: Language) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** The roles, by their translated names, as a select's options. */
function RoleOptions() {
  const t = useOrganiserT();
  return ROLES.map((role) => (
    <option key={role} value={role}>
      {roleName(t, role)}
    </option>
  ));
}

/** The booths, by name, as a select's options (the value is the slug). */
function BoothOptions({ booths }: { booths: AdminBooth[] }) {
  return booths.map(({ booth }) => (
    <option key={booth.id} value={booth.slug}>
      {booth.name}
    </option>
  ));
}

interface Filters {
  q: string;
  role: string;
  status: string;
  language: string;
  booth: string;
}

/** Invite one person: the link comes back at once, to hand on with "copy link". */
function InviteForm({ booths, onInvited }: { booths: AdminBooth[]; onInvited: () => void }) {
  const t = useOrganiserT();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [boothSlug, setBoothSlug] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [locale, setLocale] = useState('');
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  async function send(event: FormEvent) {
    event.preventDefault();
    const body = {
      email: email.trim(),
      role,
      ...(boothSlug ? { boothSlug } : {}),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      ...(locale ? { locale } : {}),
    };
    const result = await api<{ invite: Invite }>('/api/admin/invites', { body });
    if (!result.ok) return setError(result.error);
    setError(null);
    setInvite(result.data.invite);
    setEmail('');
    setDisplayName('');
    onInvited();
  }
  return (
    <form onSubmit={(e) => void send(e)} aria-labelledby="org-invite-title">
      <h3 id="org-invite-title">{t('org.inviteOne')}</h3>
      <label htmlFor="invite-email">{t('org.email')}</label>
      <input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="invite-role">{t('org.role')}</label>
      <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        <RoleOptions />
      </select>
      <label htmlFor="invite-booth">{t('org.booth')}</label>
      <select id="invite-booth" value={boothSlug} required={role === 'host'} onChange={(e) => setBoothSlug(e.target.value)} aria-describedby="invite-booth-hint">
        <option value="">{t('org.noBooth')}</option>
        <BoothOptions booths={booths} />
      </select>
      <p id="invite-booth-hint" className="hint">
        {t('org.inviteBoothHint')}
      </p>
      <label htmlFor="invite-name">{t('org.displayNameOptional')}</label>
      <input id="invite-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      <label htmlFor="invite-locale">{t('org.locale')}</label>
      <select id="invite-locale" value={locale} onChange={(e) => setLocale(e.target.value)}>
        <option value="">{t('org.fairDefault')}</option>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t.app(`language.${l}` as MessageKey)}
          </option>
        ))}
      </select>
      <ApiErrorAlert error={error} fieldLabel={(path) => fieldName(t, path)} />
      <button type="submit">{t('org.sendInvite')}</button>
      {invite && <InviteLink invite={invite} message={t('org.invited', { email: invite.email })} />}
    </form>
  );
}

type Pending = { userId: string; kind: 'deactivate' | 'ban' } | null;

/** Confirm a deactivation, or give a ban its reason and length, in a row under the person's. */
function RowAction({ person, kind, onDone, onCancel }: { person: Person; kind: 'deactivate' | 'ban'; onDone: (message: string) => void; onCancel: () => void }) {
  const t = useOrganiserT();
  const id = useId();
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  async function confirm(event: FormEvent) {
    event.preventDefault();
    const result: Result<unknown> | null =
      kind === 'deactivate'
        ? await api<{ person: Person }>(`/api/admin/people/${encodeURIComponent(person.id)}`, { method: 'PATCH', body: { status: 'deactivated' } })
        : await command('moderation:ban', { userId: person.id, reason: reason.trim(), ...(minutes.trim() ? { minutes: Number(minutes) } : {}) });
    if (result?.ok) onDone(kind === 'deactivate' ? t('org.deactivatedDone', { name: person.displayName }) : t('org.bannedDone', { name: person.displayName }));
    else setError(result ? result.error : NO_ANSWER);
  }
  const title = kind === 'deactivate' ? t('org.deactivateConfirm', { name: person.displayName }) : t('org.banTitle', { name: person.displayName });
  return (
    <form className="action-form" onSubmit={(e) => void confirm(e)} aria-label={title}>
      <p>
        <strong>{title}</strong>
      </p>
      {kind === 'deactivate' ? (
        <p>{t('org.deactivateWarning')}</p>
      ) : (
        <>
          <label htmlFor={`${id}-reason`}>{t('org.reason')}</label>
          <input id={`${id}-reason`} required maxLength={MODERATION_REASON_MAX_CHARS} value={reason} onChange={(e) => setReason(e.target.value)} />
          <label htmlFor={`${id}-minutes`}>{t('org.banMinutes')}</label>
          <input id={`${id}-minutes`} type="number" min={1} max={RESTRICTION_MAX_MINUTES} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </>
      )}
      <ApiErrorAlert error={error} />
      <div className="row">
        <button type="submit" className="danger">
          {kind === 'deactivate' ? t('org.deactivate') : t('org.ban')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('org.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Grant or take back `complaints:handle` (organisers hold it by their role). */
function ComplaintsGrant({ person, granted, onChanged, onError }: { person: Person; granted: boolean; onChanged: (message: string) => void; onError: (error: ApiError) => void }) {
  const cx = useComplaintsT();
  const byRole = person.role === 'admin';
  async function toggle(grant: boolean) {
    const result = await api<{ granted: boolean }>(`/api/admin/people/${encodeURIComponent(person.id)}/grants/complaints:handle`, { method: grant ? 'PUT' : 'DELETE' });
    if (!result.ok) return onError(result.error);
    onChanged(`${cx('cx.handlers')}: ${person.displayName}`);
  }
  return (
    <label className="small">
      <input
        type="checkbox"
        checked={byRole || granted}
        disabled={byRole}
        aria-label={cx('cx.grant', { name: person.displayName })}
        onChange={(e) => void toggle(e.target.checked)}
      />{' '}
      {cx('cx.handlers')}
    </label>
  );
}

function PersonRow({
  person,
  onChanged,
  pending,
  setPending,
  handlesComplaints,
}: {
  person: Person;
  onChanged: (message: string) => void;
  pending: Pending;
  setPending: (p: Pending) => void;
  handlesComplaints: boolean;
}) {
  const t = useOrganiserT();
  const me = useStore((state) => state.me);
  const [role, setRole] = useState<Role>(person.role);
  const [organisation, setOrganisation] = useState(person.organisation ?? '');
  const [error, setError] = useState<ApiError | null>(null);
  const name = person.displayName;
  async function patch(body: { role?: Role; status?: PersonStatus; organisation?: string }, done: string) {
    const result = await api<{ person: Person }>(`/api/admin/people/${encodeURIComponent(person.id)}`, { method: 'PATCH', body });
    if (!result.ok) return setError(result.error);
    setError(null);
    onChanged(done);
  }
  async function unban() {
    const ack = await command('moderation:unban', { userId: person.id });
    if (!ack?.ok) return setError(ack ? ack.error : NO_ANSWER);
    setError(null);
    onChanged(ack.data.lifted > 0 ? t('org.unbannedDone', { name }) : t('org.notBanned', { name }));
  }
  const self = me?.id === person.id;
  const open = pending?.userId === person.id ? pending.kind : null;
  return (
    <>
      <tr>
        <td>
          {name}
          {person.verifiedName && person.verifiedName !== name && <span className="muted"> ({person.verifiedName})</span>}
          {!self && (
            <div className="row">
              <input aria-label={t('org.organisationOf', { name })} maxLength={ORGANISATION_MAX_CHARS} value={organisation} onChange={(e) => setOrganisation(e.target.value)} />
              <button
                type="button"
                className="secondary small"
                disabled={organisation.trim() === (person.organisation ?? '')}
                aria-label={`${t('org.saveOrganisation')}: ${t('org.organisationOf', { name })}`}
                onClick={() => void patch({ organisation }, t('org.organisationChanged', { name }))}
              >
                {t('org.saveOrganisation')}
              </button>
            </div>
          )}
        </td>
        <td>{person.email}</td>
        <td>
          <div className="row">
            <select aria-label={t('org.roleOf', { name })} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <RoleOptions />
            </select>
            <button
              type="button"
              className="secondary small"
              disabled={role === person.role}
              aria-label={`${t('org.changeRole')}: ${name}`}
              onClick={() => void patch({ role }, t('org.roleChanged', { name, role: roleName(t, role) }))}
            >
              {t('org.changeRole')}
            </button>
          </div>
        </td>
        <td>{t(STATUS_NAMES[person.status])}</td>
        <td>{t.app(`language.${person.language}` as MessageKey)}</td>
        <td>{person.hostedBooths.join(', ')}</td>
        <td>
          <div className="person-actions">
            {person.status === 'active' ? (
              <button type="button" className="secondary small" disabled={self} aria-label={`${t('org.deactivate')}: ${name}`} onClick={() => setPending({ userId: person.id, kind: 'deactivate' })}>
                {t('org.deactivate')}
              </button>
            ) : (
              <button type="button" className="secondary small" aria-label={`${t('org.reactivate')}: ${name}`} onClick={() => void patch({ status: 'active' }, t('org.reactivatedDone', { name }))}>
                {t('org.reactivate')}
              </button>
            )}
            <button type="button" className="secondary small" disabled={self} aria-label={`${t('org.ban')}: ${name}`} onClick={() => setPending({ userId: person.id, kind: 'ban' })}>
              {t('org.ban')}
            </button>
            <button type="button" className="secondary small" aria-label={`${t('org.unban')}: ${name}`} onClick={() => void unban()}>
              {t('org.unban')}
            </button>
            <ComplaintsGrant person={person} granted={handlesComplaints} onChanged={onChanged} onError={setError} />
          </div>
          <ApiErrorAlert error={error} />
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <RowAction
              person={person}
              kind={open}
              onDone={(message) => {
                setPending(null);
                onChanged(message);
              }}
              onCancel={() => setPending(null)}
            />
          </td>
        </tr>
      )}
    </>
  );
}

/** One pending invitation: whether its email went out ("not sent: reason"), and a resend (a new link, the old one dead) or a revoke. */
function PendingInviteRow({ invite, onResent, onChanged }: { invite: PendingInvite; onResent: (invite: Invite) => void; onChanged: (message: string) => void }) {
  const t = useOrganiserT();
  const [error, setError] = useState<ApiError | null>(null);
  const mail = invite.mail.state === 'failed' ? t('org.mail.failed', { reason: invite.mail.reason ?? '' }) : t(`org.mail.${invite.mail.state}`);
  async function resend() {
    const result = await api<{ invite: Invite }>(`/api/admin/invites/${invite.id}/resend`, { method: 'POST' });
    if (!result.ok) return setError(result.error);
    onResent(result.data.invite);
    onChanged(t('org.resent', { email: invite.email }));
  }
  async function revoke() {
    const result = await api(`/api/admin/invites/${invite.id}`, { method: 'DELETE' });
    if (!result.ok) return setError(result.error);
    onChanged(t('org.revoked', { email: invite.email }));
  }
  return (
    <tr>
      <td>{invite.email}</td>
      <td>{invite.displayName ?? ''}</td>
      <td>{roleName(t, invite.role)}</td>
      <td>{invite.boothSlug ?? ''}</td>
      <td>{formatDate(invite.expiresAt, t.locale)}</td>
      <td>{mail}</td>
      <td>
        <ul className="row">
          <li>
            <button type="button" className="secondary small" aria-label={t('org.resendFor', { email: invite.email })} onClick={() => void resend()}>
              {t('org.resend')}
            </button>
          </li>
          <li>
            <button type="button" className="secondary small" aria-label={t('org.revokeFor', { email: invite.email })} onClick={() => void revoke()}>
              {t('org.revoke')}
            </button>
          </li>
        </ul>
        <ApiErrorAlert error={error} />
      </td>
    </tr>
  );
}

/** Everyone with an account and the pending invitations, with search and filters; roles, deactivation, bans; invite one person. */
export function PeopleSection({ booths, version }: { booths: AdminBooth[]; version: number }) {
  const t = useOrganiserT();
  const [draft, setDraft] = useState<Filters>({ q: '', role: '', status: '', language: '', booth: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [list, setList] = useState<{ people: Person[]; invites: PendingInvite[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [message, setMessage] = useState('');
  const [pending, setPending] = useState<Pending>(null);
  const [reloads, setReloads] = useState(0);
  const [resent, setResent] = useState<Invite | null>(null);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const [complaintHandlers, setComplaintHandlers] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    void api<{ userIds: string[] }>('/api/admin/grants/complaints:handle').then((result) => {
      if (result.ok) setComplaintHandlers(new Set(result.data.userIds));
    });
  }, [reloads]);

  useEffect(() => {
    const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
    void api<{ people: Person[]; invites: PendingInvite[] }>(`/api/admin/people?${query}`).then((result) => {
      if (result.ok) {
        setList(result.data);
        setError(null);
      } else setError(result.error);
    });
  }, [filters, reloads, version]);

  const changed = (text: string) => {
    setMessage(text);
    reload();
  };
  const set = (change: Partial<Filters>) => setDraft((held) => ({ ...held, ...change }));

  return (
    <section className="card" aria-labelledby="org-people-title">
      <h2 id="org-people-title">{t('org.people')}</h2>
      <form
        className="filters"
        aria-label={t('org.search')}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <label htmlFor="people-q">{t('org.searchLabel')}</label>
        <input id="people-q" type="search" value={draft.q} onChange={(e) => set({ q: e.target.value })} />
        <label htmlFor="people-role">{t('org.role')}</label>
        <select id="people-role" value={draft.role} onChange={(e) => set({ role: e.target.value })}>
          <option value="">{t('org.any')}</option>
          <RoleOptions />
        </select>
        <label htmlFor="people-status">{t('org.status')}</label>
        <select id="people-status" value={draft.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">{t('org.any')}</option>
          {(Object.keys(STATUS_NAMES) as PersonStatus[]).map((s) => (
            <option key={s} value={s}>
              {t(STATUS_NAMES[s])}
            </option>
          ))}
        </select>
        <label htmlFor="people-language">{t('org.locale')}</label>
        <select id="people-language" value={draft.language} onChange={(e) => set({ language: e.target.value })}>
          <option value="">{t('org.any')}</option>
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {t.app(`language.${l}` as MessageKey)}
            </option>
          ))}
        </select>
        <label htmlFor="people-booth">{t('org.hostsBooth')}</label>
        <select id="people-booth" value={draft.booth} onChange={(e) => set({ booth: e.target.value })}>
          <option value="">{t('org.any')}</option>
          <BoothOptions booths={booths} />
        </select>
        <button type="submit">{t('org.search')}</button>
      </form>
      <ApiErrorAlert error={error} />
      <p role="status">{message}</p>
      {list && (
        <>
          <h3 id="org-people-list">{t('org.peopleCount', { count: list.people.length })}</h3>
          <DataTable labelledBy="org-people-list" columns={[t('org.name'), t('org.email'), t('org.role'), t('org.status'), t('org.locale'), t('org.hostedBooths'), t('org.actions')]}>
            {/* Keyed by role too: a changed role starts the row's choice afresh. */}
            {list.people.map((person) => (
              <PersonRow
                key={`${person.id}:${person.role}`}
                person={person}
                onChanged={changed}
                pending={pending}
                setPending={setPending}
                handlesComplaints={complaintHandlers.has(person.id)}
              />
            ))}
          </DataTable>
          <h3 id="org-invites-list">{t('org.pendingInvites', { count: list.invites.length })}</h3>
          {list.invites.length > 0 && (
            <DataTable
              labelledBy="org-invites-list"
              columns={[t('org.email'), t('org.name'), t('org.role'), t('org.booth'), t('org.expires'), t('org.emailState'), t('org.actions')]}
            >
              {list.invites.map((invite) => (
                <PendingInviteRow key={invite.id} invite={invite} onResent={setResent} onChanged={changed} />
              ))}
            </DataTable>
          )}
          {resent && <InviteLink invite={resent} message={t('org.resent', { email: resent.email })} />}
        </>
      )}
      <InviteForm booths={booths} onInvited={reload} />
    </section>
  );
}
