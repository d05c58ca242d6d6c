import { useEffect, useState } from 'react';
import type { ConversationReport } from '../../../../shared/conversations.js';
import { DELETED_AUTHOR } from '../../../../shared/deleted-account.js';
import type { ApiError } from '../../../../shared/errors.js';
import { formatInstant } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { command, getSocket } from '../../lib/socket.js';
import { ResolveForm } from './ResolveForm.js';
import { usePanelT, type PanelT } from './use-panel-t.js';

const nameOf = (tp: PanelT, author: { id: string; displayName: string }) => (author.id === DELETED_AUTHOR.id ? tp.app('privacy.deletedMember') : author.displayName);

/**
 * Reported messages of private 1:1 conversations: the message as written, the few before it,
 * who reported it and why. A moderator removes the message (both people see it go) and closes
 * the report with a note the reporter reads in their inbox. Live: new reports arrive on their own.
 */
export function ConversationReportQueue() {
  const tp = usePanelT();
  const [queue, setQueue] = useState<ConversationReport[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<{ reports: ConversationReport[] }>('/api/moderation/conversation-reports?status=open').then((result) => {
      if (result.ok) setQueue(result.data.reports);
      else setError(result.error);
    });
    const socket = getSocket();
    const created = (report: ConversationReport) => setQueue((current) => (current ? [report, ...current.filter((r) => r.id !== report.id)] : current));
    const updated = (report: ConversationReport) => setQueue((current) => current?.flatMap((r) => (r.id !== report.id ? [r] : report.status === 'open' ? [report] : [])) ?? null);
    socket?.on('conversation:report-created', created);
    socket?.on('conversation:report-updated', updated);
    return () => {
      socket?.off('conversation:report-created', created);
      socket?.off('conversation:report-updated', updated);
    };
  }, []);
  const replace = (report: ConversationReport) => setQueue((current) => current?.map((r) => (r.id === report.id ? report : r)) ?? null);
  const drop = (reportId: number) => setQueue((current) => current?.filter((r) => r.id !== reportId) ?? null);
  return (
    <section aria-labelledby="conversation-reports-title">
      <h2 id="conversation-reports-title">{tp('mod.conversationReports')}</h2>
      {error && (
        <p role="alert" className="error">
          {tp.app.error(error)}
        </p>
      )}
      {queue?.length === 0 && <p>{tp('mod.conversationReportsEmpty')}</p>}
      <ul className="stack" aria-label={tp('mod.conversationReports')}>
        {queue?.map((report) => <ConversationReportItem key={report.id} report={report} tp={tp} removed={() => replace({ ...report, message: { ...report.message, deleted: true } })} closed={() => drop(report.id)} />)}
      </ul>
    </section>
  );
}

function ConversationReportItem({ report, tp, removed, closed }: { report: ConversationReport; tp: PanelT; removed: () => void; closed: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const author = nameOf(tp, report.message.author);
  async function remove() {
    const ack = await command('conversation:delete', { messageId: report.messageId, reason: tp.app(`mod.reason.${report.reason}`) });
    if (ack && !ack.ok && ack.error.code !== 'NOT_FOUND') return setError(ack.error);
    if (ack) removed();
  }
  async function close(outcome: 'resolved' | 'dismissed', note: string): Promise<ApiError | null> {
    const ack = await command('conversation:resolve', { reportId: report.id, outcome, note });
    if (ack?.ok) closed();
    return ack && !ack.ok ? ack.error : null;
  }
  return (
    <li className="card">
      <p className="meta">
        {tp('mod.conversationAt', { booth: report.boothName })} · <time dateTime={report.createdAt}>{formatInstant(report.createdAt, tp.locale)}</time>
      </p>
      {report.context.length > 0 && (
        <>
          <p className="muted small">{tp('mod.conversationBefore')}</p>
          <ol className="chat-log">
            {report.context.map((line) => (
              <li key={line.seq} className="message">
                <p className="meta">
                  <span className="author">{nameOf(tp, line.author)}</span>
                  <RoleBadge role={line.author.role} />
                </p>
                <p className="body">{line.body}</p>
              </li>
            ))}
          </ol>
        </>
      )}
      <p className="meta">
        {tp('mod.messageBy', { name: author })}
        <RoleBadge role={report.message.author.role} />
      </p>
      <blockquote className="body">
        {report.message.body} {report.message.deleted && <span className="muted">{tp('mod.messageRemoved')}</span>}
      </blockquote>
      <p>{tp('mod.reportedBy', { name: nameOf(tp, report.reporter), reason: tp.app(`mod.reason.${report.reason}`) })}</p>
      {report.note && <p className="muted">{report.note}</p>}
      {!report.message.deleted && (
        <p>
          <button type="button" className="small" onClick={() => void remove()}>
            {tp('mod.removeMessage')}
          </button>
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {tp.app.error(error)}
        </p>
      )}
      <ResolveForm close={close} />
    </li>
  );
}
