import { useId, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { useTWith } from '../../i18n/use-part-t.js';
import { myData } from '../../i18n/parts/my-data.js';
import { api } from '../../lib/api.js';
import { navigate } from '../../lib/router.js';

/** The member's own data: download it all, or delete the account (password again, and a clear warning). */
export function MyDataSection() {
  const t = useTWith(myData);
  const setMe = useStore((state) => state.setMe);
  const downloadId = useId();
  const deleteId = useId();
  const warningId = useId();
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function deleteAccount(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api('/api/me', { method: 'DELETE', body: { password } });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setPassword('');
    setMe(null);
    navigate('/', { replace: true });
  }

  return (
    <>
      <p>{t('privacy.intro')}</p>
      <section className="card" aria-labelledby={downloadId}>
        <h2 id={downloadId}>{t('privacy.downloadTitle')}</h2>
        <p className="muted">{t('privacy.downloadHint')}</p>
        {/* A plain link: the browser saves the file itself (Content-Disposition: attachment). */}
        <a className="button" href="/api/me/export" download>
          {t('privacy.download')}
        </a>
      </section>
      <section className="card" aria-labelledby={deleteId}>
        <h2 id={deleteId}>{t('privacy.deleteTitle')}</h2>
        <p id={warningId} className="warning">
          {t('privacy.deleteWarning')}
        </p>
        <form onSubmit={(event) => void deleteAccount(event)}>
          <label htmlFor="delete-password">{t('privacy.password')}</label>
          <input
            id="delete-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-describedby={warningId}
          />
          <label>
            <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} /> {t('privacy.confirm')}
          </label>
          {error && (
            <p role="alert" className="error">
              {t.error(error)}
            </p>
          )}
          <button type="submit" className="danger" disabled={busy || !understood || password === ''}>
            {busy ? t('privacy.deleting') : t('privacy.delete')}
          </button>
        </form>
      </section>
    </>
  );
}

/** `/account/data`: the section on a page of its own until the account page takes it in. */
export function MyDataPage() {
  const t = useTWith(myData);
  return (
    <section className="narrow" aria-labelledby="my-data-title">
      <h1 id="my-data-title">{t('privacy.title')}</h1>
      <MyDataSection />
    </section>
  );
}
