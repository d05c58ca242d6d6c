import { useEffect, useRef, useState } from 'react';
import { boothText } from '../../../../shared/booth-text.js';
import type { ReportSummary } from '../../../../shared/report-summary.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { staff } from '../../i18n/parts/staff.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { Link } from '../../lib/router.js';
import { getSocket } from '../../lib/socket.js';
import { SafetyAlerts } from './SafetyAlerts.js';

type StaffKey = keyof typeof staff.en;
type StaffT = PartTranslator<StaffKey>;

/** The booths this person hosts, each with a link in and a link to its console. */
function YourBooths({ t, hostedBoothIds }: { t: StaffT; hostedBoothIds: readonly number[] }) {
  const booths = useStore((state) => state.booths);
  if (!booths) return null;
  const hosted = booths.filter((booth) => hostedBoothIds.includes(booth.id));
  if (hosted.length === 0) return null;
  return (
    <section className="card" aria-labelledby="your-booths-title">
      <h2 id="your-booths-title">{t(hosted.length === 1 ? 'staff.yourBooth' : 'staff.yourBooths')}</h2>
      <ul className="stack">
        {hosted.map((booth) => {
          const { name } = boothText(booth, t.locale);
          return (
            <li key={booth.id} className="row">
              <Link className="button" to={`/booths/${booth.slug}`}>
                {t('staff.goToBooth', { name })}
              </Link>
              <Link to={`/booths/${booth.slug}/console`}>{t('staff.console', { name })}</Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * How many reports are open, kept current: asked again whenever a report is filed or closed
 * (moderators' sockets hear both) and after a reconnect, which may have missed some.
 */
function useOpenReports(): number | 'failed' | undefined {
  const [open, setOpen] = useState<number | 'failed'>();
  useEffect(() => {
    let current = true;
    const load = () =>
      void api<ReportSummary>('/api/moderation/reports/summary').then((result) => {
        if (current) setOpen(result.ok ? result.data.open : 'failed');
      });
    load();
    const socket = getSocket();
    socket?.on('report:created', load);
    socket?.on('report:updated', load);
    socket?.io.on('reconnect', load);
    return () => {
      current = false;
      socket?.off('report:created', load);
      socket?.off('report:updated', load);
      socket?.io.off('reconnect', load);
    };
  }, []);
  return open;
}

function ModerationDesk({ t }: { t: StaffT }) {
  const open = useOpenReports();
  return (
    <section className="card" aria-labelledby="moderation-desk-title">
      <h2 id="moderation-desk-title">{t('staff.moderation')}</h2>
      <SafetyAlerts />
      {/* One live region from the start, so a new count is read out as reports come and go. */}
      <p role="status">
        {open === undefined && t.app('app.loading')}
        {open === 'failed' && <span className="error">{t('staff.loadFailed')}</span>}
        {typeof open === 'number' && <strong>{t('staff.openReports', { count: open })}</strong>}
      </p>
      <Link className="button" to="/moderation">
        {t('staff.openPanel')}
      </Link>
    </section>
  );
}

/** Each staff role's first-visit guide: about five short steps, and the button that reopens it. */
const GUIDES = {
  host: {
    title: 'staff.hostGuide.title',
    steps: ['staff.hostGuide.booth', 'staff.hostGuide.console', 'staff.hostGuide.chat', 'staff.hostGuide.video', 'staff.hostGuide.privacy'],
    reopen: 'staff.hostGuide.open',
  },
  moderator: {
    title: 'staff.modGuide.title',
    steps: ['staff.modGuide.reports', 'staff.modGuide.actions', 'staff.modGuide.booths', 'staff.modGuide.announce', 'staff.modGuide.record'],
    reopen: 'staff.modGuide.open',
  },
} as const satisfies Record<string, { title: StaffKey; steps: readonly StaffKey[]; reopen: StaffKey }>;

/**
 * A first-visit guide for one staff role, dismissed for good on this device. Focus follows the
 * change (to the button that brings it back, or to the guide's heading), so a keyboard user is
 * not sent back to the top of the page.
 */
function RoleGuide({ role, t }: { role: keyof typeof GUIDES; t: StaffT }) {
  const guide = GUIDES[role];
  const storageKey = `fair.guideDismissed.${role}`;
  const [dismissed, setDismissed] = useState(() => readSetting(storageKey) === 'true');
  const toggled = useRef(false);
  const focusTarget = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (toggled.current) focusTarget.current?.focus();
  }, [dismissed]);
  const choose = (value: boolean) => {
    toggled.current = true;
    writeSetting(storageKey, String(value));
    setDismissed(value);
  };
  if (dismissed) {
    return (
      <button type="button" className="secondary small" ref={(node) => void (focusTarget.current = node)} onClick={() => choose(false)}>
        {t(guide.reopen)}
      </button>
    );
  }
  return (
    <section className="guide card" aria-labelledby={`${role}-guide-title`}>
      <h2 id={`${role}-guide-title`} tabIndex={-1} ref={(node) => void (focusTarget.current = node)}>
        {t(guide.title)}
      </h2>
      <ol>
        {guide.steps.map((step) => (
          <li key={step}>{t(step)}</li>
        ))}
      </ol>
      <p>
        <Link to="/conduct">{t.app('nav.conduct')}</Link>
      </p>
      <button type="button" onClick={() => choose(true)}>
        {t.app('guide.dismiss')}
      </button>
    </section>
  );
}

/**
 * What the lobby shows staff above the booths: their booths (hosts), the open reports and the
 * panel (moderators), and each role's first-visit guide in place of the members' one. Loaded
 * lazily, with its strings, so members download none of it.
 */
export function StaffLanding() {
  const t = usePartT(staff);
  const me = useStore((state) => state.me);
  if (!me) return null;
  const hosts = me.hostedBoothIds.length > 0;
  const moderates = can(me, 'moderation:review');
  return (
    <>
      {hosts && <YourBooths t={t} hostedBoothIds={me.hostedBoothIds} />}
      {moderates && <ModerationDesk t={t} />}
      {hosts && <RoleGuide role="host" t={t} />}
      {moderates && <RoleGuide role="moderator" t={t} />}
    </>
  );
}
