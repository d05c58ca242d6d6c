import { useState, type FormEvent } from 'react';
import type { Me } from '../../../../shared/auth.js';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
import { Link, navigate } from '../../lib/router.js';

export function SignInPage() {
  const t = useT();
  const setMe = useStore((state) => state.setMe);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const [refusal, setRefusal] = useState<'cancelled' | 'unsupported' | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setRefusal(null);
    const result = await api<{ user: Me; addPasskey?: boolean }>('/api/auth/login', { body: { email, password } });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    // Staff whom the organisers want on passkeys, and who have none yet, go straight to adding one.
    if (result.data.addPasskey) navigate('/account');
    setMe(result.data.user);
  }

  async function signInWithPasskey() {
    setPasskeyBusy(true);
    setError(null);
    setRefusal(null);
    // The WebAuthn code is loaded only now, by people who use a passkey.
    const ceremonies = await import('./passkey-ceremonies.js');
    const result = await ceremonies.signInWithPasskey();
    setPasskeyBusy(false);
    if (result.ok) return setMe(result.data.user);
    if ('refusal' in result) setRefusal(result.refusal);
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
        {(error || refusal) && (
          <p role="alert" className="error">
            {error ? t.error(error) : t(refusal === 'unsupported' ? 'account.passkeyUnsupported' : 'account.passkeyCancelled')}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">{t('signIn.forgot')}</Link>
      </p>
      <p className="or">{t('signIn.or')}</p>
      <button type="button" className="secondary" disabled={passkeyBusy} onClick={() => void signInWithPasskey()}>
        {passkeyBusy ? t('signIn.passkeyWorking') : t('signIn.passkey')}
      </button>
      <p className="hint">{t('signIn.noAccount')}</p>
    </section>
  );
}
