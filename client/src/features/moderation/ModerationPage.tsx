import { SafetyAlerts } from '../staff/SafetyAlerts.js';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { AUDIT_ACTIONS } from '../../../../shared/audit-actions.js';
import type { ApiError } from '../../../../shared/errors.js';
import { ANNOUNCEMENT_MAX_CHARS } from '../../../../shared/limits.js';
import type { AuditEntry, Report, Restriction } from '../../../../shared/moderation.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { formatInstant, type MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
import { messageAnchor } from '../../lib/message-anchor.js';
import { Link } from '../../lib/router.js';
import { command } from '../../lib/socket.js';
import { formatTimeLeft } from '../../lib/time.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { useNow } from '../../lib/use-now.js';
import { auditActionName, auditDetail } from './audit-detail.js';
import { BoothControls } from './BoothControls.js';
import { ConversationReportQueue } from './ConversationReportQueue.js';
import { ResolveForm } from './ResolveForm.js';
import { usePanelT } from './use-panel-t.js';

/** Stands for a name inside a translated sentence, so the name can carry its badge. */
const NAME_SLOT = '\u{E000}';

function useBoothName(): (boothId: number | null) => string {
  const booths = useStore((state) => state.booths);
  return (boothId) => (boothId === null ? '' : (booths?.find((b) => b.id === boothId)?.name ?? `#${boothId}`));
}

function ErrorLine({ error }: { error: ApiError | null }) {
  const t = useT();
  return error ? (
    <p role="alert" className="error">
      {t.error(error)}
    </p>
  ) : null;
}

/** The booth a report's message was written in: a link to it, and one to the message in context. */
function ReportPlace({ report }: { report: Report }) {
  const tp = usePanelT();
  const booths = useStore((state) => state.booths);
  if (!booths) return null;
  const booth = booths.find((b) => b.id === report.boothId);
  // Archived booths are out of the lobby's list, and out of reach of a link.
  if (!booth) return <>{tp('panel.noBooth')}</>;
  return (
    <>
      <Link to={`/booths/${booth.slug}`}>{booth.name}</Link> · <Link to={`/booths/${booth.slug}#${messageAnchor(report.messageId)}`}>{tp('panel.inContext')}</Link>
    </>
  );
}

function ReportItem({ report }: { report: Report }) {
  const t = useT();
  const tp = usePanelT();
  async function close(outcome: 'resolved' | 'dismissed', note: string): Promise<ApiError | null> {
    const ack = await command('report:resolve', { reportId: report.id, outcome, note });
    if (ack?.ok) useStore.setState((state) => ({ reportQueue: state.reportQueue?.filter((r) => r.id !== report.id) }));
    return ack && !ack.ok ? ack.error : null;
  }
  const reportedBy = tp('mod.reportedBy', { name: NAME_SLOT, reason: t(`mod.reason.${report.reason}` as MessageKey) }).split(NAME_SLOT);
  return (
    <li className="card">
      <p className="meta">
        {tp('mod.messageBy', { name: report.message.author.displayName })}
        <RoleBadge role={report.message.author.role} /> · <ReportPlace report={report} /> · <time dateTime={report.createdAt}>{formatInstant(report.createdAt, t.locale)}</time>
      </p>
      <blockquote className="body">
        {report.message.body} {report.message.deleted && <span className="muted">{tp('mod.messageRemoved')}</span>}
      </blockquote>
      <p>
        {/* The sentence is translated whole; the reporter's name and badge go where {name} stands. */}
        {reportedBy[0]}
        {report.reporter.displayName}
        <RoleBadge role={report.reporter.role} />
        {reportedBy.slice(1).join('')}
      </p>
      {report.note && <p className="muted">{report.note}</p>}
      <ResolveForm close={close} />
    </li>
  );
}

function ReportQueue() {
  const tp = usePanelT();
  const queue = useStore((state) => state.reportQueue);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<{ reports: Report[] }>('/api/moderation/reports?status=open').then((result) => {
      if (result.ok) useStore.setState({ reportQueue: result.data.reports });
      else setError(result.error);
    });
  }, []);
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{tp('mod.reports')}</h2>
      <ErrorLine error={error} />
      {queue?.length === 0 && <p>{tp('mod.reportsEmpty')}</p>}
      <ul className="stack" aria-label={tp('mod.reports')}>
        {queue?.map((report) => <ReportItem key={report.id} report={report} />)}
      </ul>
    </section>
  );
}

function Restrictions() {
  const t = useT();
  const tp = usePanelT();
  const version = useStore((state) => state.restrictionsVersion);
  const boothName = useBoothName();
  const [list, setList] = useState<Restriction[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const now = useNow(30_000);
  useEffect(() => {
    void api<{ restrictions: Restriction[] }>('/api/moderation/restrictions').then((result) => {
      if (result.ok) setList(result.data.restrictions);
      else setError(result.error);
    });
  }, [version]);
  async function lift(restriction: Restriction) {
    const ack =
      restriction.kind === 'ban'
        ? await command('moderation:unban', { userId: restriction.user.id })
        : await command('moderation:unmute', { userId: restriction.user.id, boothId: restriction.boothId ?? undefined });
    if (ack && !ack.ok) setError(ack.error);
  }
  const visible = list?.filter((r) => r.expiresAt === null || Date.parse(r.expiresAt) > now);
  return (
    <section aria-labelledby="restrictions-title">
      <h2 id="restrictions-title">{tp('mod.restrictions')}</h2>
      <ErrorLine error={error} />
      {visible?.length === 0 && <p>{tp('mod.restrictionsEmpty')}</p>}
      <ul className="stack" aria-label={tp('mod.restrictions')}>
        {visible?.map((r) => {
          const kind = tp(`mod.kind.${r.kind}`);
          return (
            <li key={r.id} className="card">
              <strong>{r.user.displayName}</strong> · {kind} {r.boothId !== null && `· ${boothName(r.boothId)}`} ·{' '}
              {r.expiresAt ? tp('mod.timeLeft', { time: formatTimeLeft(Date.parse(r.expiresAt) - now, t.locale) }) : tp('mod.untilLifted')}
              <p className="muted">{r.reason}</p>
              {r.kind !== 'kick' && (
                <button type="button" className="secondary small" aria-label={tp('mod.liftLabel', { kind, name: r.user.displayName })} onClick={() => void lift(r)}>
                  {tp('mod.lift')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function fetchAudit(filter: string, beforeId?: number) {
  const query = [filter, beforeId ? `beforeId=${beforeId}` : ''].filter(Boolean).join('&');
  return api<{ entries: AuditEntry[]; nextBeforeId: number | null }>(`/api/moderation/audit?${query}`);
}

function AuditLog() {
  const t = useT();
  const tp = usePanelT();
  const boothName = useBoothName();
  const [action, setAction] = useState('');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const filter = action ? `action=${encodeURIComponent(action)}` : '';
  const show = (result: Awaited<ReturnType<typeof fetchAudit>>, append: boolean) => {
    if (!result.ok) return setError(result.error);
    setEntries((held) => (append ? [...held, ...result.data.entries] : result.data.entries));
    setNext(result.data.nextBeforeId);
  };
  useEffect(() => {
    let live = true;
    void fetchAudit(filter).then((result) => live && show(result, false));
    return () => {
      live = false;
    };
  }, [filter, version]);
  const id = useId();
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{tp('mod.audit')}</h2>
      <label htmlFor={id}>{tp('mod.auditAction')}</label>{' '}
      <select id={id} value={action} onChange={(e) => setAction(e.target.value)}>
        <option value="">{tp('mod.auditAll')}</option>
        {AUDIT_ACTIONS.map((name) => (
          <option key={name} value={name}>
            {auditActionName(tp, name)}
          </option>
        ))}
      </select>{' '}
      <button type="button" className="secondary small" onClick={() => setVersion((v) => v + 1)}>
        {tp('mod.refresh')}
      </button>{' '}
      <a href={`/api/moderation/audit?format=csv${filter ? `&${filter}` : ''}`} download>
        {tp('mod.auditCsv')}
      </a>
      <ErrorLine error={error} />
      {/* Scrolls sideways on a narrow screen: focusable, so the keyboard can scroll it too. */}
      <div className="table-scroll" role="region" aria-labelledby="audit-title" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{tp('mod.auditWhen')}</th>
              <th scope="col">{tp('mod.auditAction')}</th>
              <th scope="col">{tp('mod.auditDetail')}</th>
              <th scope="col">{tp('mod.auditWho')}</th>
              <th scope="col">{tp('mod.auditTarget')}</th>
              <th scope="col">{tp('mod.auditBooth')}</th>
              <th scope="col">{tp('mod.auditReason')}</th>
              <th scope="col">{tp('mod.auditUntil')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>
                  <time dateTime={e.createdAt}>{formatInstant(e.createdAt, t.locale)}</time>
                </td>
                <td>{auditActionName(tp, e.action)}</td>
                <td>{auditDetail(tp, e)}</td>
                <td>{e.actor?.displayName}</td>
                <td>{e.target?.displayName}</td>
                <td>{boothName(e.boothId)}</td>
                <td>{e.reason}</td>
                <td>{e.expiresAt && formatInstant(e.expiresAt, t.locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next !== null && (
        <button type="button" className="secondary small" onClick={() => void fetchAudit(filter, next).then((result) => show(result, true))}>
          {tp('mod.auditOlder')}
        </button>
      )}
    </section>
  );
}

function AnnouncementForm() {
  const t = useT();
  const tp = usePanelT();
  const booths = useStore((state) => state.booths);
  const [text, setText] = useState('');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(false);
    const ack = await command('announcement:create', { text: text.trim(), boothId: target ? Number(target) : undefined });
    if (ack?.ok) {
      setText('');
      setSent(true);
      setError(null);
    } else setError(ack ? ack.error : { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' });
  }
  return (
    <section aria-labelledby="announce-title">
      <h2 id="announce-title">{tp('mod.announce')}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="announce-text">{t('mod.announceText')}</label>
        <textarea id="announce-text" rows={3} required maxLength={ANNOUNCEMENT_MAX_CHARS} value={text} onChange={(e) => setText(e.target.value)} />
        <label htmlFor="announce-to">{tp('mod.announceTo')}</label>
        <select id="announce-to" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{tp('mod.announceFair')}</option>
          {booths?.map((booth) => (
            <option key={booth.id} value={booth.id}>
              {booth.name}
            </option>
          ))}
        </select>
        <ErrorLine error={error} />
        {sent && <p role="status">{tp('mod.sent')}</p>}
        <button type="submit" disabled={!text.trim()}>
          {tp('mod.announceSend')}
        </button>
      </form>
    </section>
  );
}

/** The moderator panel: report queue, active restrictions with time left, every booth's slow mode and lock, audit log, announcements. */
export function ModerationPage() {
  const t = useT();
  const tp = usePanelT();
  const me = useStore((state) => state.me);
  const loadBooths = useStore((state) => state.loadBooths);
  useEffect(() => {
    void loadBooths();
  }, [loadBooths]);
  if (!me || !can(me, 'moderation:review')) return <p role="alert">{t('error.FORBIDDEN')}</p>;
  return (
    <section className="moderation" aria-labelledby="moderation-title">
      <h1 id="moderation-title">{tp('mod.title')}</h1>
      <SafetyAlerts />
      <div className="panel-grid">
        <ReportQueue />
        <ConversationReportQueue />
        <Restrictions />
        <AnnouncementForm />
      </div>
      {can(me, 'booth:configure') && <BoothControls />}
      {can(me, 'audit:read') && <AuditLog />}
    </section>
  );
}
