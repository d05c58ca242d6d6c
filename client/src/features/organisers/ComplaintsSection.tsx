import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { COMPLAINT_CATEGORIES, COMPLAINT_NEXT, COMPLAINT_REPLY_MAX_CHARS, COMPLAINT_STATUSES, type ComplaintStatus } from '../../../../shared/complaint-values.js';
// Types only: a value import of complaints.ts would bring zod into this chunk.
import type { ComplaintView } from '../../../../shared/complaints.js';
import type { ApiError } from '../../../../shared/errors.js';
import type { MessageKey } from '../../i18n/index.js';
import { complaints as complaintsPart } from '../../i18n/parts/complaints.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { authorName } from '../../lib/author-name.js';
import { Link } from '../../lib/router.js';
import { ComplaintStepList } from '../../lib/ComplaintStepList.js';
import { ApiErrorAlert } from './ApiErrorAlert.js';

export type ComplaintsT = PartTranslator<keyof typeof complaintsPart.en>;

export function useComplaintsT(): ComplaintsT {
  return usePartT(complaintsPart);
}

/** Moves a complaint on: the next steps it may take, and a reply its filer will see. */
function MoveForm({ complaint, onMoved }: { complaint: ComplaintView; onMoved: (next: ComplaintView) => void }) {
  const t = useComplaintsT();
  const id = useId();
  const next = COMPLAINT_NEXT[complaint.status];
  const [status, setStatus] = useState<ComplaintStatus | ''>(next[0] ?? '');
  const [reply, setReply] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  if (next.length === 0) return <p>{t('cx.closed')}</p>;
  async function save(event: FormEvent) {
    event.preventDefault();
    const result = await api<ComplaintView>(`/api/complaints/${complaint.id}`, {
      method: 'PATCH',
      body: { status, ...(reply.trim() ? { reply: reply.trim() } : {}) },
    });
    if (!result.ok) return setError(result.error);
    setError(null);
    setReply('');
    onMoved(result.data);
  }
  return (
    <form onSubmit={(e) => void save(e)} aria-label={t('cx.complaintNo', { id: complaint.id, category: t(`cx.category.${complaint.category}`) })}>
      <>
        <label htmlFor={`${id}-status`}>{t('cx.moveTo')}</label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as ComplaintStatus)}>
          {next.map((s) => (
            <option key={s} value={s}>
              {t(`cx.status.${s}`)}
            </option>
          ))}
        </select>
      </>
      <>
        <label htmlFor={`${id}-reply`}>{t('cx.replyLabel')}</label>
        <textarea id={`${id}-reply`} rows={3} maxLength={COMPLAINT_REPLY_MAX_CHARS} value={reply} onChange={(e) => setReply(e.target.value)} />
      </>
      <ApiErrorAlert error={error} />
      <button type="submit">{t('cx.moveSubmit')}</button>
    </form>
  );
}

function ComplaintCard({ complaint, onMoved }: { complaint: ComplaintView; onMoved: (next: ComplaintView) => void }) {
  const t = useComplaintsT();
  const headingId = useId();
  const time = new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'short' });
  const { about } = complaint;
  return (
    <article className={`card complaint${complaint.overdue ? ' overdue' : ''}`} aria-labelledby={headingId}>
      <h3 id={headingId}>{t('cx.complaintNo', { id: complaint.id, category: t(`cx.category.${complaint.category}`) })}</h3>
      {complaint.overdue && (
        <p className="badge warning">
          <strong>{t('cx.overdue')}</strong>
        </p>
      )}
      <p>
        {t('cx.statusNow', { status: t(`cx.status.${complaint.status}`) })}
        {complaint.status === 'received' && <> ({t('cx.dueBy', { time: time.format(new Date(complaint.ackDueAt)) })})</>}
      </p>
      <p>{complaint.filer ? t('cx.filedBy', { name: complaint.filer.displayName }) : t('cx.filedAnonymously')}</p>
      {about.booth && <p>{t('cx.aboutBooth', { name: about.booth.name })}</p>}
      {about.person && <p>{t('cx.aboutPerson', { name: about.person.displayName })}</p>}
      {about.message ? (
        // The text as written (kept after a removal), and where it was said.
        <div className="about-message">
          <p>{t('cx.aboutMessageBy', { name: authorName(t.app, about.message.author), booth: about.message.booth.name })}</p>
          <blockquote>{about.message.body}</blockquote>
          {about.message.deleted && <p className="hint">{t('cx.messageRemoved')}</p>}
          <Link to={`/booths/${encodeURIComponent(about.message.booth.slug)}#message-${about.message.id}`}>{t('cx.inContext')}</Link>
        </div>
      ) : (
        about.messageId !== null && <p>{t('cx.aboutMessage', { id: about.messageId })}</p>
      )}
      {complaint.language && <p>{t('cx.inLanguage', { language: t.app(`language.${complaint.language}` as MessageKey) })}</p>}
      <blockquote lang={complaint.language ?? undefined}>{complaint.body}</blockquote>
      <ComplaintStepList steps={complaint.steps} t={t} />
      <MoveForm key={complaint.status} complaint={complaint} onMoved={onMoved} />
    </article>
  );
}

/**
 * The handlers' list (`complaints:handle`): filters by status, category and overdue, each
 * complaint with its steps and a form to move it on. Never one about the reader (the server
 * leaves those out).
 */
export function ComplaintsSection() {
  const t = useComplaintsT();
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [list, setList] = useState<ComplaintView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [message, setMessage] = useState('');
  const load = useCallback(() => {
    const query = new URLSearchParams({ ...(status ? { status } : {}), ...(category ? { category } : {}), ...(overdue ? { overdue: 'true' } : {}) });
    void api<{ complaints: ComplaintView[] }>(`/api/complaints?${query}`).then((result) => {
      if (result.ok) {
        setList(result.data.complaints);
        setError(null);
      } else setError(result.error);
    });
  }, [status, category, overdue]);
  useEffect(load, [load]);
  return (
    <section className="card" aria-labelledby="org-complaints-title">
      <h2 id="org-complaints-title">{t('cx.handleTitle')}</h2>
      <div className="filters row">
        <label htmlFor="cx-filter-status">{t('cx.filterStatus')}</label>
        <select id="cx-filter-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t('cx.filterAll')}</option>
          {COMPLAINT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`cx.status.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor="cx-filter-category">{t('cx.filterCategory')}</label>
        <select id="cx-filter-category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t('cx.filterAll')}</option>
          {COMPLAINT_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`cx.category.${c}`)}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t('cx.filterOverdue')}
        </label>
      </div>
      <ApiErrorAlert error={error} />
      <p role="status">{message}</p>
      {list?.length === 0 && <p>{t('cx.none')}</p>}
      {list?.map((complaint) => (
        <ComplaintCard
          key={complaint.id}
          complaint={complaint}
          onMoved={() => {
            setMessage(t('cx.moved'));
            load();
          }}
        />
      ))}
    </section>
  );
}

/** `/organisers/complaints`: the section alone, for people granted `complaints:handle` who are not organisers. */
export function ComplaintsConsolePage() {
  const t = useComplaintsT();
  return (
    <div className="organisers">
      <h1>{t('cx.title')}</h1>
      <ComplaintsSection />
    </div>
  );
}
