import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { PasskeySummary, SessionSummary } from '../../../../shared/account.js';
import type { ApiError } from '../../../../shared/errors.js';
import { PASSWORD_MIN_CHARS } from '../../../../shared/limits.js';
import { useTWith, type TranslatorWith } from '../../i18n/use-part-t.js';
import { accountPage } from '../../i18n/parts/account-page.js';
import { api } from '../../lib/api.js';
import { useStore } from '../../app/store.js';
import type { Me } from '../../../../shared/auth.js';
import type { BrowserRefusal } from './passkey-ceremonies.js';
import { ORGANISATION_MAX_CHARS } from '../../../../shared/limits.js';
import { organisation as organisationPart } from '../../i18n/parts/organisation.js';
import { usePartT } from '../../i18n/use-part-t.js';

/** What went wrong: an answer from our server, or the browser's passkey prompt. */
type Problem = ApiError | BrowserRefusal;
/** A sensitive action: it shows its own outcome, and says 'reauth' when the server wants proof first. */
type Action = () => Promise<'done' | 'reauth'>;
type Guard = (action: Action) => Promise<void>;

// The WebAuthn code is its own chunk, fetched when a passkey button is pressed.
const ceremonies = () => import('./passkey-ceremonies.js');

function problemText(t: TranslatorWith<keyof typeof accountPage.en>, problem: Problem): string {
  if (problem === 'cancelled') return t('account.passkeyCancelled');
  if (problem === 'unsupported') return t('account.passkeyUnsupported');
  return t.error(problem);
}

function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

function Outcome({ problem, done }: { problem: Problem | null; done: string | null }) {
  const t = useTWith(accountPage);
  if (problem) {
    return (
      <p role="alert" className="error">
        {problemText(t, problem)}
      </p>
    );
  }
  return done ? <p role="status">{done}</p> : null;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="card account-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** Asks for the password (or a passkey) when the server answers REAUTH_REQUIRED, then retries. */
function ReauthPrompt({ canUsePasskey, onConfirmed, onCancel }: { canUsePasskey: boolean; onConfirmed: () => void; onCancel: () => void }) {
  const t = useTWith(accountPage);
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  async function confirmWithPassword(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await api('/api/auth/reauth', { body: { password } });
    setBusy(false);
    if (result.ok) onConfirmed();
    else setProblem(result.error);
  }
  async function confirmWithPasskey() {
    setBusy(true);
    const result = await (await ceremonies()).reauthenticateWithPasskey();
    setBusy(false);
    if (result.ok) onConfirmed();
    else setProblem('refusal' in result ? result.refusal : result.error);
  }

  return (
    <Section title={t('account.reauthTitle')}>
      <p>{t('account.reauthIntro')}</p>
      <form onSubmit={(e) => void confirmWithPassword(e)}>
        <label htmlFor="reauth-password">{t('account.reauthPassword')}</label>
        <input ref={input} id="reauth-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Outcome problem={problem} done={null} />
        <div className="account-actions">
          <button type="submit" disabled={busy}>
            {t('account.reauthConfirm')}
          </button>
          {canUsePasskey && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void confirmWithPasskey()}>
              {t('account.reauthPasskey')}
            </button>
          )}
          <button type="button" className="secondary" onClick={onCancel}>
            {t('account.cancel')}
          </button>
        </div>
      </form>
    </Section>
  );
}

function PasskeysSection({ passkeys, requiredForStaff, reload, guard }: { passkeys: PasskeySummary[]; requiredForStaff: boolean; reload: () => void; guard: Guard }) {
  const t = useTWith(accountPage);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function report(outcome: { ok: true } | { ok: false; error: ApiError } | { ok: false; refusal: BrowserRefusal }, success: string | null): 'done' | 'reauth' {
    if (outcome.ok) {
      setProblem(null);
      setDone(success);
      reload();
      return 'done';
    }
    if ('error' in outcome && outcome.error.code === 'REAUTH_REQUIRED') return 'reauth';
    setProblem('refusal' in outcome ? outcome.refusal : outcome.error);
    return 'done';
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    await guard(async () => {
      const outcome = report(await (await ceremonies()).addPasskey(name), t('account.passkeyAdded'));
      if (outcome === 'done') setName('');
      return outcome;
    });
    setBusy(false);
  }

  const remove = (passkey: PasskeySummary) =>
    guard(async () => report(await api(`/api/passkeys/${encodeURIComponent(passkey.id)}`, { method: 'DELETE' }), null));

  return (
    <Section title={t('account.passkeys')}>
      <p className="hint">{t('account.passkeysIntro')}</p>
      {requiredForStaff && passkeys.length === 0 && <p className="notice">{t('account.passkeyUrged')}</p>}
      {passkeys.length === 0 ? (
        <p>{t('account.passkeysNone')}</p>
      ) : (
        <ul className="account-list">
          {passkeys.map((passkey) => (
            <li key={passkey.id}>
              <div>
                <strong>{passkey.name}</strong>
                <p className="hint">
                  {t('account.passkeyCreated', { date: formatDate(passkey.createdAt, t.locale) })} ·{' '}
                  {passkey.lastUsedAt ? t('account.passkeyUsed', { date: formatDate(passkey.lastUsedAt, t.locale) }) : t('account.passkeyNeverUsed')}
                </p>
              </div>
              <button type="button" className="secondary" aria-label={t('account.removePasskey', { name: passkey.name })} onClick={() => void remove(passkey)}>
                {t('account.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)}>
        <label htmlFor="passkey-name">{t('account.passkeyName')}</label>
        <input id="passkey-name" aria-describedby="passkey-name-hint" maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
        <p id="passkey-name-hint" className="hint">
          {t('account.passkeyNameHint')}
        </p>
        <Outcome problem={problem} done={done} />
        <button type="submit" disabled={busy}>
          {t('account.addPasskey')}
        </button>
      </form>
    </Section>
  );
}

function SessionsSection({ sessions, reload }: { sessions: SessionSummary[]; reload: () => void }) {
  const t = useTWith(accountPage);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function end(session: SessionSummary) {
    const result = await api(`/api/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
    setProblem(result.ok ? null : result.error);
    setDone(null);
    reload();
  }
  async function endOthers() {
    const result = await api<{ ended: number }>('/api/sessions/revoke-all', { method: 'POST' });
    if (result.ok) {
      setProblem(null);
      setDone(t.plural('account.signedOutOthers', result.data.ended));
    } else setProblem(result.error);
    reload();
  }

  return (
    <Section title={t('account.sessions')}>
      <p className="hint">{t('account.sessionsIntro')}</p>
      <ul className="account-list">
        {sessions.map((session) => {
          const browser = session.browser ?? t('account.unknownBrowser');
          const firstSeen = formatDate(session.createdAt, t.locale);
          return (
            <li key={session.id}>
              <div>
                <strong>{browser}</strong> {session.current && <span className="badge">{t('account.thisDevice')}</span>}
                <p className="hint">
                  {t('account.firstSeen', { date: firstSeen })}
                  {session.lastSeenAt && <> · {t('account.lastSeen', { date: formatDate(session.lastSeenAt, t.locale) })}</>}
                  {session.method && <> · {t(session.method === 'passkey' ? 'account.method.passkey' : 'account.method.password')}</>}
                </p>
              </div>
              {!session.current && (
                <button type="button" className="secondary" aria-label={t('account.signOutSessionLabel', { browser, date: firstSeen })} onClick={() => void end(session)}>
                  {t('account.signOutSession')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <Outcome problem={problem} done={done} />
      <button type="button" onClick={() => void endOthers()} disabled={sessions.every((s) => s.current)}>
        {t('account.signOutOthers')}
      </button>
    </Section>
  );
}

/** The name other members see; the verified one stays as the organisers recorded it. */
function NameSection() {
  const t = useTWith(accountPage);
  const me = useStore((state) => state.me);
  const [displayName, setDisplayName] = useState(me?.displayName ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!me) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api<{ user: Me }>('/api/me', { method: 'PATCH', body: { displayName } });
    if (result.ok) {
      useStore.getState().setMe(result.data.user);
      setDisplayName(result.data.user.displayName);
      setProblem(null);
      setDone(t('account.fairNameSaved'));
    } else {
      setDone(null);
      setProblem(result.error);
    }
  }

  return (
    <Section title={t('account.fairName')}>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="fair-name">{t('account.fairName')}</label>
        <input id="fair-name" autoComplete="nickname" required aria-describedby="fair-name-hint" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <p id="fair-name-hint" className="hint">
          {me.verifiedName ? t('account.fairNameHint', { verified: me.verifiedName }) : t('account.fairNameHintNoVerified')}
        </p>
        <Outcome problem={problem} done={done} />
        <button type="submit">{t('account.saveName')}</button>
      </form>
    </Section>
  );
}

/** The member organisation, shared with a booth only when the member ticks it on a contact request. */
function OrganisationSection() {
  const t = usePartT(organisationPart);
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    void api<{ organisation: string | null }>('/api/me/organisation').then((result) => result.ok && setValue(result.data.organisation ?? ''));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api<{ organisation: string | null }>('/api/me/organisation', { method: 'PUT', body: { organisation: value } });
    if (result.ok) {
      setValue(result.data.organisation ?? '');
      setProblem(null);
      setDone(t('organisation.saved'));
    } else {
      setDone(null);
      setProblem(result.error);
    }
  }

  return (
    <Section title={t('organisation.title')}>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="organisation">{t('organisation.label')}</label>
        <input id="organisation" autoComplete="organization" maxLength={ORGANISATION_MAX_CHARS} aria-describedby="organisation-hint" value={value} onChange={(e) => setValue(e.target.value)} />
        <p id="organisation-hint" className="hint">
          {t('organisation.hint')}
        </p>
        <Outcome problem={problem} done={done} />
        <button type="submit">{t('organisation.save')}</button>
      </form>
    </Section>
  );
}

function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const t = useTWith(accountPage);
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await api('/api/me/password', { body: { currentPassword, newPassword } });
    if (result.ok) {
      setProblem(null);
      setDone(t('account.passwordChanged'));
      setCurrentPassword('');
      setNewPassword('');
      onChanged();
    } else {
      setDone(null);
      setProblem(result.error);
    }
  }

  return (
    <Section title={t('account.password')}>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="current-password">{t('account.currentPassword')}</label>
        <input id="current-password" type="password" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrentPassword(e.target.value)} />
        <label htmlFor="new-password">{t('account.newPassword')}</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN_CHARS}
          aria-describedby="new-password-hint"
          value={newPassword}
          onChange={(e) => setNewPassword(e.target.value)}
        />
        <p id="new-password-hint" className="hint">
          {t('account.newPasswordHint')}
        </p>
        <Outcome problem={problem} done={done} />
        <button type="submit">{t('account.changePassword')}</button>
      </form>
    </Section>
  );
}

/** Account & security: passkeys, where you are signed in, and your password. */
export function AccountPage() {
  const t = useTWith(accountPage);
  const [passkeys, setPasskeys] = useState<{ passkeys: PasskeySummary[]; requiredForStaff: boolean }>({ passkeys: [], requiredForStaff: false });
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [loadProblem, setLoadProblem] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<Action | null>(null);

  const reload = useCallback(() => {
    void api<{ passkeys: PasskeySummary[]; requiredForStaff: boolean }>('/api/passkeys').then((result) => {
      if (result.ok) setPasskeys(result.data);
      else setLoadProblem(result.error);
    });
    void api<{ sessions: SessionSummary[] }>('/api/sessions').then((result) => {
      if (result.ok) setSessions(result.data.sessions);
      else setLoadProblem(result.error);
    });
  }, []);
  useEffect(reload, [reload]);

  const guard: Guard = useCallback(async (action) => {
    if ((await action()) === 'reauth') setPending(() => action);
  }, []);

  return (
    <div className="account-page">
      <h1>{t('account.title')}</h1>
      {loadProblem && <Outcome problem={loadProblem} done={null} />}
      {pending && (
        <ReauthPrompt
          canUsePasskey={passkeys.passkeys.length > 0}
          onCancel={() => setPending(null)}
          onConfirmed={() => {
            setPending(null);
            void guard(pending);
          }}
        />
      )}
      <NameSection />
      <OrganisationSection />
      <PasskeysSection passkeys={passkeys.passkeys} requiredForStaff={passkeys.requiredForStaff} reload={reload} guard={guard} />
      <SessionsSection sessions={sessions} reload={reload} />
      <PasswordSection onChanged={reload} />
    </div>
  );
}
