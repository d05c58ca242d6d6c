import { useEffect, useState, type FormEvent } from 'react';
import type { Me } from '../../../../shared/auth.js';
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

export function AcceptInvitePage({ code }: { code: string }) {
  const t = useT();
  const setMe = useStore((state) => state.setMe);
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [displayName, setDisplayName] = useState('');
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
    setBusy(true);
    setError(null);
    const result = await api<{ user: Me }>('/api/auth/accept-invite', { body: { code, displayName, password } });
    setBusy(false);
    if (!result.ok) return setError(result.error);
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
          aria-describedby="display-name-hint"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
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
