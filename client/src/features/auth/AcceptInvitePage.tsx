import { useEffect, useState, type FormEvent } from 'react';
import type { Me } from '../../../../shared/auth.js';
import { checkDisplayName, type DisplayNameRefusal } from '../../../../shared/display-name.js';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
import { navigate } from '../../lib/router.js';

interface InvitePreview {
  email: string;
  role: string;
  displayName: string | null;
  boothName: string | null;
}

/** The sentence for each reason a name is refused. */
const NAME_REFUSAL_KEYS: Readonly<Record<DisplayNameRefusal, MessageKey>> = {
  empty: 'name.problem.empty',
  'too-long': 'name.problem.too-long',
  control: 'name.problem.control',
  bidi: 'name.problem.bidi',
  invisible: 'name.problem.invisible',
  marks: 'name.problem.marks',
  'role-word': 'name.problem.role-word',
  'staff-lookalike': 'name.problem.staff-lookalike',
};

export function AcceptInvitePage({ code }: { code: string }) {
  const t = useT();
  const setMe = useStore((state) => state.setMe);
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [displayName, setDisplayName] = useState('');
  const [nameRefusal, setNameRefusal] = useState<DisplayNameRefusal | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void api<InvitePreview>(`/api/invites/${encodeURIComponent(code)}`).then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setPreview(result.data);
        setDisplayName(result.data.displayName ?? '');
      } else setError(result.error);
    });
    return () => {
      cancelled = true;
    };
  }, [code]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    // The same rule as the server's, so the member learns at once what to change.
    const checked = checkDisplayName(displayName);
    setNameRefusal(checked.ok ? null : checked.problem);
    if (!checked.ok) return;
    setBusy(true);
    setError(null);
    const result = await api<{ user: Me }>('/api/auth/accept-invite', { body: { code, displayName, password } });
    setBusy(false);
    if (!result.ok) {
      const { field, reason } = result.error.details ?? {};
      if (field === 'displayName' && reason && Object.hasOwn(NAME_REFUSAL_KEYS, reason)) return setNameRefusal(reason as DisplayNameRefusal);
      return setError(result.error);
    }
    setMe(result.data.user);
    navigate('/', { replace: true });
  }

  if (!preview) {
    return (
      <section className="card narrow" aria-labelledby="invite-title">
        <h1 id="invite-title">{t('invite.title')}</h1>
        {error ? (
          <p role="alert" className="error">
            {t.error(error)}
          </p>
        ) : (
          <p role="status">{t('invite.checking')}</p>
        )}
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">{t('invite.title')}</h1>
      <p>
        {preview.boothName
          ? t('invite.introBooth', { booth: preview.boothName, email: preview.email })
          : t('invite.intro', { role: t(`role.${preview.role}` as MessageKey), email: preview.email })}
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor="display-name">{t('invite.displayName')}</label>
        <input
          id="display-name"
          autoComplete="nickname"
          required
          maxLength={60}
          aria-describedby={nameRefusal ? 'display-name-error display-name-hint' : 'display-name-hint'}
          aria-invalid={nameRefusal !== null}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        {nameRefusal && (
          <p id="display-name-error" role="alert" className="error">
            {t(NAME_REFUSAL_KEYS[nameRefusal])}
          </p>
        )}
        <p id="display-name-hint" className="hint">
          {t('invite.displayNameHint')}
        </p>
        <label htmlFor="new-password">{t('invite.password')}</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          aria-describedby="password-hint"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id="password-hint" className="hint">
          {t('invite.passwordHint')}
        </p>
        {error && (
          <p role="alert" className="error">
            {t.error(error)}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('invite.submitting') : t('invite.submit')}
        </button>
      </form>
    </section>
  );
}
