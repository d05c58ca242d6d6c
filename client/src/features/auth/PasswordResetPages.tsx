import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import { PASSWORD_MIN_CHARS } from '../../../../shared/limits.js';
import { useStore } from '../../app/store.js';
import { reset } from '../../i18n/parts/reset.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';

/** The pages' own strings, in the member's language (they ship in this chunk, not the entry). */
const useResetWords = () => usePartT(reset);

/** Moves keyboard focus to an outcome that replaces the form, so it is read out and the form's focus is not lost. */
function useFocusWhen(shown: boolean) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown]);
  return ref;
}

/** "Forgot your password?": asks for a link by email. The answer is the same whether the account exists or not. */
export function ForgotPasswordPage() {
  const t = useT();
  const r = useResetWords();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const doneRef = useFocusWhen(sentTo !== null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api('/api/auth/password-reset', { body: { email, locale: t.locale } });
    setBusy(false);
    if (result.ok) setSentTo(email.trim());
    else setError(result.error);
  }

  return (
    <section className="card narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{r('reset.requestTitle')}</h1>
      {sentTo !== null ? (
        <p role="status" className="notice" tabIndex={-1} ref={doneRef}>
          {r('reset.requested', { email: sentTo })}
        </p>
      ) : (
        <>
          <p>{r('reset.requestIntro')}</p>
          <form onSubmit={(event) => void submit(event)} noValidate>
            <label htmlFor="reset-email">{t('signIn.email')}</label>
            <input id="reset-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            {error && (
              <p role="alert" className="error">
                {t.error(error)}
              </p>
            )}
            <button type="submit" disabled={busy}>
              {busy ? r('reset.sending') : r('reset.send')}
            </button>
          </form>
        </>
      )}
      <p>
        <Link to="/">{r('reset.backToSignIn')}</Link>
      </p>
    </section>
  );
}

/** The page the emailed link opens: a new password, then every session ends and the person signs in again. */
export function ResetPasswordPage({ token }: { token: string }) {
  const t = useT();
  const r = useResetWords();
  const setMe = useStore((state) => state.setMe);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [tooShort, setTooShort] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const doneRef = useFocusWhen(done);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const short = password.length < PASSWORD_MIN_CHARS;
    setTooShort(short);
    setError(null);
    if (short) return;
    setBusy(true);
    const result = await api('/api/auth/password-reset/confirm', { body: { token, password } });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    // Every session of the account ended, this browser's too.
    setMe(null);
    setDone(true);
  }

  if (done) {
    return (
      <section className="card narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">{r('reset.title')}</h1>
        <p role="status" className="notice" tabIndex={-1} ref={doneRef}>
          {r('reset.done')}
        </p>
        <p>
          <Link to="/">{t('signIn.title')}</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">{r('reset.title')}</h1>
      <p>{r('reset.intro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label htmlFor="reset-password">{t('account.newPassword')}</label>
        <input
          id="reset-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN_CHARS}
          aria-invalid={tooShort}
          aria-describedby={tooShort ? 'reset-password-error reset-password-hint' : 'reset-password-hint'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {tooShort && (
          <p id="reset-password-error" role="alert" className="error">
            {r('reset.tooShort', { min: PASSWORD_MIN_CHARS })}
          </p>
        )}
        <p id="reset-password-hint" className="hint">
          {t('account.newPasswordHint')}
        </p>
        {error && (
          <p role="alert" className="error">
            {error.code === 'RESET_INVALID' ? r('error.RESET_INVALID') : t.error(error)}
            {error.code === 'RESET_INVALID' && (
              <>
                {' '}
                <Link to="/forgot-password">{r('reset.askAgain')}</Link>
              </>
            )}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? r('reset.saving') : r('reset.save')}
        </button>
      </form>
    </section>
  );
}
