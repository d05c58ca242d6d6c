import { useState, type FormEvent } from 'react';
import type { Me } from '../../../../shared/auth.js';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';

export function SignInPage() {
  const t = useT();
  const setMe = useStore((state) => state.setMe);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api<{ user: Me }>('/api/auth/login', { body: { email, password } });
    setBusy(false);
    if (result.ok) setMe(result.data.user);
    else setError(result.error);
  }

  return (
    <section className="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor="email">{t('signIn.email')}</label>
        <input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">{t('signIn.password')}</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p role="alert" className="error">
            {t.error(error)}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <p className="hint">{t('signIn.noAccount')}</p>
    </section>
  );
}
