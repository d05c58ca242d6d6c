import { useEffect } from 'react';
import { BoothPage } from '../features/booth/BoothPage.js';
import { AcceptInvitePage } from '../features/auth/AcceptInvitePage.js';
import { SignInPage } from '../features/auth/SignInPage.js';
import { LobbyPage } from '../features/lobby/LobbyPage.js';
import { HostConsolePage } from '../features/host/HostConsolePage.js';
import { ModerationPage } from '../features/moderation/ModerationPage.js';
import { Notices } from '../features/moderation/Notices.js';
import { can } from '../../../shared/roles.js';
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
            {can(me, 'moderation:review') && <Link to="/moderation">{t('mod.nav')}</Link>}
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

  const invite = matchPath('/invite/:code', path);
  if (invite) return <AcceptInvitePage code={invite.code!} />;
  if (me === undefined) return <p role="status">{t('app.loading')}</p>;
  if (me === null) return <SignInPage />;
  if (path === '/moderation') return <ModerationPage />;
  const console = matchPath('/booths/:slug/console', path);
  if (console) return <HostConsolePage key={console.slug} slug={console.slug!} />;
  const booth = matchPath('/booths/:slug', path);
  if (booth) return <BoothPage key={booth.slug} slug={booth.slug!} />;
  return <LobbyPage />;
}

export function App() {
  const loadMe = useStore((state) => state.loadMe);
  const locale = useStore((state) => state.locale);
  const userId = useStore((state) => state.me?.id);
  useEffect(() => {
    void loadMe();
  }, [loadMe]);
  useEffect(() => (userId ? startRealtime(userId) : undefined), [userId]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        <Notices />
        <Page />
      </main>
    </>
  );
}
