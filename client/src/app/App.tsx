import { useEffect, useRef } from 'react';
import { BoothPage } from '../features/booth/BoothPage.js';
import { AcceptInvitePage } from '../features/auth/AcceptInvitePage.js';
import { SignInPage } from '../features/auth/SignInPage.js';
import { FirstVisitGuide } from '../features/guide/FirstVisitGuide.js';
import { LobbyPage } from '../features/lobby/LobbyPage.js';
import { DataSaverToggle } from '../features/preferences/DataSaverToggle.js';
import { LanguageSwitcher } from '../i18n/LanguageSwitcher.js';
import { useT } from '../i18n/use-t.js';
import { matchPath, Link, usePath } from '../lib/router.js';
import { startRealtime } from './realtime.js';
import { useStore } from './store.js';

function Header() {
  const t = useT();
  const me = useStore((state) => state.me);
  const signOut = useStore((state) => state.signOut);
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Link className="brand" to="/">
        {t('app.tagline')}
      </Link>
      <div className="header-tools">
        <LanguageSwitcher />
        {me && (
          <>
            <span className="who">{t('nav.signedInAs', { name: me.displayName })}</span>
            <button type="button" className="secondary" onClick={() => void signOut()}>
              {t('nav.signOut')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

function Page() {
  const t = useT();
  const path = usePath();
  const me = useStore((state) => state.me);
  const unreachable = useStore((state) => state.meUnreachable);

  const invite = matchPath('/invite/:code', path);
  if (invite) return <AcceptInvitePage code={invite.code!} />;
  if (me === undefined && unreachable) {
    return (
      <p role="status" className="notice">
        {t('app.offline')}
      </p>
    );
  }
  if (me === null) return <SignInPage />;
  // A booth starts loading while we still ask who the member is: on a slow link every
  // round trip saved is seconds saved.
  const booth = matchPath('/booths/:slug', path);
  if (booth) return <BoothPage key={booth.slug} slug={booth.slug!} />;
  if (me === undefined) return <p role="status">{t('app.loading')}</p>;
  return <LobbyPage before={<FirstVisitGuide />} settings={<DataSaverToggle />} />;
}

/** After an in-app navigation, focus moves to the new page (as a full page load would). */
function useFocusOnNavigation(): void {
  const path = usePath();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [path]);
}

export function App() {
  useFocusOnNavigation();
  const loadMe = useStore((state) => state.loadMe);
  const locale = useStore((state) => state.locale);
  useEffect(() => {
    void loadMe();
    // Started offline: ask again as soon as the device is back online.
    const retry = () => void loadMe();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [loadMe]);
  useEffect(() => startRealtime(), []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}
