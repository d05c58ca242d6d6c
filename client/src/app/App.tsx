import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { BoothPage } from '../features/booth/BoothPage.js';
import { AcceptInvitePage } from '../features/auth/AcceptInvitePage.js';
import { SignInPage } from '../features/auth/SignInPage.js';
import { FirstVisitGuide } from '../features/guide/FirstVisitGuide.js';
import { LobbyPage } from '../features/lobby/LobbyPage.js';
import { DataSaverToggle } from '../features/preferences/DataSaverToggle.js';
import { Notices } from '../features/moderation/Notices.js';
import { UpdateNotice } from '../features/connection/UpdateNotice.js';
import { ConnectionIndicator } from '../features/connection/ConnectionIndicator.js';
import { InboxLink } from '../features/inbox/InboxLink.js';
import { can } from '../../../shared/roles.js';
import { LanguageSwitcher } from '../i18n/LanguageSwitcher.js';
import { useT } from '../i18n/use-t.js';
import { matchPath, Link, usePath } from '../lib/router.js';
import { startRealtime } from './realtime.js';
import { useStore } from './store.js';

// Hosts' count of open contact requests (issue 16): its own chunk, never downloaded by members.
const ContactCount = lazy(() => import('../features/contacts/ContactCount.js').then((m) => ({ default: m.ContactCount }), () => ({ default: () => null })));

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
        <Link to="/conduct">{t('nav.conduct')}</Link>
        {me && (
          <>
            {can(me, 'moderation:review') && <Link to="/moderation">{t('mod.nav')}</Link>}
            {can(me, 'booths:manage') && <Link to="/organisers">{t('nav.organisers')}</Link>}
            <InboxLink />
            {me.hostedBoothIds.length > 0 && (
              <Suspense fallback={null}>
                <ContactCount />
              </Suspense>
            )}
            <Link to="/conversations">{t('nav.conversations')}</Link>
            <Link to="/complaints">{t('nav.complaints')}</Link>
            <Link to="/account">{t('nav.account')}</Link>
            <span className="who">{t('nav.signedInAs', { name: me.displayName })}</span>
            <Link to="/account/data">{t('privacy.nav')}</Link>
            <button type="button" className="secondary" onClick={() => void signOut()}>
              {t('nav.signOut')}
            </button>
          </>
        )}
      </div>
    </header>
  );
}

// Staff pages are loaded only by the staff who open them: members never download them.
const ModerationPage = lazy(() => import('../features/moderation/ModerationPage.js').then((m) => ({ default: m.ModerationPage })));
// Opened rarely, by one member at a time: loaded only when asked for.
const MyDataPage = lazy(() => import('../features/privacy/MyDataSection.js').then((m) => ({ default: m.MyDataPage })));
// Account & security (passkeys, sessions, password) is its own chunk, as is the WebAuthn code it loads.
const AccountPage = lazy(() => import('../features/auth/AccountPage.js').then((m) => ({ default: m.AccountPage })));
// "Forgot your password?" and the page its emailed link opens: rare, so their own chunk.
const ForgotPasswordPage = lazy(() => import('../features/auth/PasswordResetPages.js').then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import('../features/auth/PasswordResetPages.js').then((m) => ({ default: m.ResetPasswordPage })));
// The organisers' console, with its own strings (i18n/parts/organisers.ts): only organisers download it.
const OrganisersPage = lazy(() => import('../features/organisers/OrganisersPage.js').then((m) => ({ default: m.OrganisersPage })));
// The code of conduct: read at /conduct, and shown in place of the fair until its current version is accepted.
const ConductPage = lazy(() => import('../features/conduct/ConductPage.js').then((m) => ({ default: m.ConductPage })));
// The inbox (its own strings, i18n/parts/inbox.ts): the header's count is all the entry holds.
const InboxPage = lazy(() => import('../features/inbox/InboxPage.js').then((m) => ({ default: m.InboxPage })));
// Complaints to the organisers (form, tracking by code, the member's own): one chunk, with its strings.
const ComplaintsPages = lazy(() => import('../features/complaints/ComplaintsPage.js').then((m) => ({ default: m.ComplaintsPages })));
// Private 1:1 conversations (list and one conversation, with their outbox and strings): one chunk.
const ConversationsPage = lazy(() => import('../features/conversations/ConversationsPage.js').then((m) => ({ default: m.ConversationsPage })));
const HostConsolePage = lazy(() => import('../features/host/HostConsolePage.js').then((m) => ({ default: m.HostConsolePage })));
// What the lobby shows hosts and moderators (their booths, open reports, their guides): members never download it.
// If it cannot be fetched (offline), the lobby still opens, with the members' guide.
// The fair survey and "You said, we did" (issue 15): their pages, and the lobby's prompt and link, are
// one lazy chunk fetched once the lobby shows. Offline, the lobby opens without them.
const SurveyViews = lazy<(props: { path: string }) => ReactNode>(() => import('../features/survey/SurveyViews.js').then((m) => ({ default: m.SurveyViews }), () => ({ default: () => null })));
const StaffLanding = lazy(() => import('../features/staff/StaffLanding.js').then((m) => ({ default: m.StaffLanding }), () => ({ default: FirstVisitGuide })));

function Page() {
  const t = useT();
  const path = usePath();
  const me = useStore((state) => state.me);
  const unreachable = useStore((state) => state.meUnreachable);

  const invite = matchPath('/invite/:code', path);
  if (invite) return <AcceptInvitePage code={invite.code!} />;
  if (path === '/forgot-password') return <ForgotPasswordPage />;
  const reset = matchPath('/reset-password/:token', path);
  if (reset) return <ResetPasswordPage key={reset.token} token={reset.token!} />;
  if (me === undefined && unreachable) {
    return (
      <p role="status" className="notice">
        {t('app.offline')}
      </p>
    );
  }
  if (path === '/conduct') return <ConductPage />;
  // The code is the key: an anonymous filer may follow their complaint signed out too.
  if (path === '/complaints/track') return <ComplaintsPages />;
  if (me === null) return <SignInPage />;
  // Not accepted the code of conduct's current version yet: that comes before any booth.
  // Their account pages stay open (to sign out elsewhere, or to erase their data).
  if (me?.conductPending && !path.startsWith('/account')) return <ConductPage />;
  // A booth starts loading while we still ask who the member is: on a slow link every
  // round trip saved is seconds saved.
  const booth = matchPath('/booths/:slug', path);
  if (booth) return <BoothPage key={booth.slug} slug={booth.slug!} />;
  if (me === undefined) return <p role="status">{t('app.loading')}</p>;
  if (path === '/moderation') return <ModerationPage />;
  // `/organisers/complaints`: the complaints alone, for people granted complaints:handle.
  if (path.startsWith('/organisers')) return <OrganisersPage />;
  if (path === '/complaints') return <ComplaintsPages />;
  if (path === '/account/data') return <MyDataPage />;
  if (path === '/account') return <AccountPage />;
  if (path === '/survey' || path === '/you-said') return <SurveyViews path={path} />;
  if (path === '/inbox') return <InboxPage />;
  if (path.startsWith('/conversations')) return <ConversationsPage path={path} connection={<ConnectionIndicator />} />;
  const console = matchPath('/booths/:slug/console', path);
  if (console) return <HostConsolePage key={console.slug} slug={console.slug!} />;
  const staff = me.hostedBoothIds.length > 0 || can(me, 'moderation:review');
  const guide = staff ? (
    <Suspense fallback={null}>
      <StaffLanding />
    </Suspense>
  ) : (
    <FirstVisitGuide />
  );
  return (
    <LobbyPage
      before={
        <>
          {guide}
          <Suspense fallback={null}>
            <SurveyViews path={path} />
          </Suspense>
        </>
      }
      settings={<DataSaverToggle />}
    />
  );
}

function Loading() {
  const t = useT();
  return <p role="status">{t('app.loading')}</p>;
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
        <UpdateNotice />
        <Notices />
        <Suspense fallback={<Loading />}>
          <Page />
        </Suspense>
      </main>
    </>
  );
}
