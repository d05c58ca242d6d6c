import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { COMPLAINT_BODY_MAX_CHARS, COMPLAINT_CATEGORIES, type ComplaintCategory } from '../../../../shared/complaint-values.js';
// Types only: a value import of complaints.ts would bring zod into this chunk.
import type { ComplaintCreated, ComplaintMessagePreview, ComplaintTracking } from '../../../../shared/complaints.js';
import type { ApiError } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { complaints } from '../../i18n/parts/complaints.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { authorName } from '../../lib/author-name.js';
import { ComplaintStepList } from '../../lib/ComplaintStepList.js';
import { Link, usePath } from '../../lib/router.js';
import { forgetCode, saveCode, savedCodes } from './tracking-codes.js';

type ComplaintsT = PartTranslator<keyof typeof complaints.en>;

function useComplaintsT(): ComplaintsT {
  return usePartT(complaints);
}

function ErrorAlert({ error }: { error: ApiError | null }) {
  const t = useComplaintsT();
  return error ? (
    <p role="alert" className="error">
      {t.app.error(error)}
    </p>
  ) : null;
}

/** One complaint as its filer follows it: status, each step with its time and reply. */
export function ComplaintSteps({ complaint }: { complaint: ComplaintTracking }) {
  const t = useComplaintsT();
  const headingId = useId();
  return (
    <article className="card complaint" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('cx.complaintNo', { id: complaint.id, category: t(`cx.category.${complaint.category}`) })}</h3>
      <p>
        <strong>{t('cx.statusNow', { status: t(`cx.status.${complaint.status}`) })}</strong>
      </p>
      <ComplaintStepList steps={complaint.steps} t={t} />
    </article>
  );
}

/** The tracking code, shown this once, with a copy button. */
function CodeShown({ code }: { code: string }) {
  const t = useComplaintsT();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  }
  return (
    <section className="card" aria-labelledby="cx-code-title">
      <h2 id="cx-code-title">{t('cx.codeTitle')}</h2>
      <p className="tracking-code" data-testid="tracking-code">
        <code>{code}</code>
      </p>
      <p>{t('cx.codeOnce')}</p>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {t('cx.copy')}
      </button>
      {copied && <p role="status">{t(copied === 'yes' ? 'cx.copied' : 'cx.copyByHand')}</p>}
    </section>
  );
}

/** The message named in `/complaints?message=<id>` (a message's report form links there), or null. */
function messageIdFromAddress(): number | null {
  const value = new URLSearchParams(window.location.search).get('message');
  return value && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;
}

/** Forgets the attached message in the address too, so a reload or the next complaint starts clean. */
function clearAddress(): void {
  if (window.location.search) window.history.replaceState(null, '', window.location.pathname);
}

/** The message being attached: loading, shown as the filer sees it in the booth, or gone. */
type Attached = { id: number; preview: ComplaintMessagePreview | null; gone: boolean };

/**
 * The message a complaint is about, shown before it is sent: who wrote it (as the filer sees
 * them in the booth) and a short excerpt, with a link to it in the chat. When its author is
 * someone the filer may name, they choose: the message, or the person who wrote it.
 */
function AttachedMessage({ attached, aboutAuthor, onAboutAuthor, onDetach }: { attached: Attached; aboutAuthor: boolean; onAboutAuthor: (value: boolean) => void; onDetach: () => void }) {
  const t = useComplaintsT();
  const { preview } = attached;
  if (attached.gone) {
    return (
      <p role="alert" className="error">
        {t('cx.messageGone')}
      </p>
    );
  }
  if (!preview) return <p role="status">{t.app('app.loading')}</p>;
  const name = authorName(t.app, preview.author);
  return (
    <fieldset className="attached">
      <legend>{t('cx.attachedTitle')}</legend>
      <div>
        <blockquote>{preview.excerpt}</blockquote>
        <p>{t('cx.attachedBy', { name, booth: preview.booth.name })}</p>
      </div>
      <p>
        <Link to={`/booths/${encodeURIComponent(preview.booth.slug)}#message-${preview.id}`}>{t('cx.inContext')}</Link>
      </p>
      {preview.authorNameable && (
        <>
          <label className="choice">
            <input type="radio" name="cx-about" checked={!aboutAuthor} onChange={() => onAboutAuthor(false)} /> {t('cx.aboutTheMessage')}
          </label>
          <label className="choice">
            <input type="radio" name="cx-about" checked={aboutAuthor} onChange={() => onAboutAuthor(true)} /> {t('cx.aboutItsAuthor', { name })}
          </label>
        </>
      )}
      <p className="hint">{t('cx.attachedHint')}</p>
      <button type="button" className="secondary small" onClick={onDetach}>
        {t('cx.detach')}
      </button>
    </fieldset>
  );
}

function ComplaintForm({ onFiled }: { onFiled: (created: ComplaintCreated) => void }) {
  const t = useComplaintsT();
  const booths = useStore((state) => state.booths);
  const loadBooths = useStore((state) => state.loadBooths);
  const [category, setCategory] = useState<ComplaintCategory>('conduct_safety');
  const [body, setBody] = useState('');
  const [boothId, setBoothId] = useState('');
  const [attached, setAttached] = useState<Attached | null>(() => {
    const id = messageIdFromAddress();
    return id === null ? null : { id, preview: null, gone: false };
  });
  const [aboutAuthor, setAboutAuthor] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const attachedId = attached?.id;
  useEffect(() => {
    if (booths === undefined) void loadBooths();
  }, [booths, loadBooths]);
  useEffect(() => {
    if (attachedId === undefined) return;
    void api<ComplaintMessagePreview>(`/api/complaints/messages/${attachedId}`).then((result) =>
      setAttached((now) => (now?.id === attachedId ? { id: attachedId, preview: result.ok ? result.data : null, gone: !result.ok } : now)),
    );
  }, [attachedId]);

  function detach() {
    setAttached(null);
    setAboutAuthor(false);
    clearAddress();
    document.getElementById('cx-booth')?.focus();
  }

  /** What it is about: the attached message (or its author), else the booth chosen, else nothing. */
  function about() {
    if (attached?.preview) return aboutAuthor ? { aboutUserId: attached.preview.author.id } : { aboutMessageId: attached.id };
    return boothId ? { aboutBoothId: Number(boothId) } : {};
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await api<ComplaintCreated>('/api/complaints', {
      method: 'POST',
      body: { category, body, anonymous, language: t.locale, ...about() },
    });
    setBusy(false);
    if (!result.ok) {
      // Removed while the form was open: say so, and let them send it without the message.
      if (result.error.details?.field === 'aboutMessageId' && attached) {
        setError(null);
        return setAttached({ id: attached.id, preview: null, gone: true });
      }
      return setError(result.error);
    }
    setError(null);
    clearAddress();
    if (result.data.trackingCode) saveCode(result.data.trackingCode);
    onFiled(result.data);
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="card" aria-labelledby="cx-title">
      <>
        <label htmlFor="cx-category">{t('cx.category')}</label>
        <select id="cx-category" value={category} onChange={(e) => setCategory(e.target.value as ComplaintCategory)} aria-describedby="cx-category-hint">
          {COMPLAINT_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`cx.category.${c}`)}
            </option>
          ))}
        </select>
        <p id="cx-category-hint" className="hint">
          {category === 'conduct_safety' ? t('cx.safetyHint') : ''}
        </p>
      </>
      <>
        <label htmlFor="cx-body">{t('cx.body')}</label>
        <textarea
          id="cx-body"
          rows={6}
          required
          maxLength={COMPLAINT_BODY_MAX_CHARS}
          aria-describedby="cx-body-hint"
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <p id="cx-body-hint" className="hint">
          {t('cx.bodyHint', { max: COMPLAINT_BODY_MAX_CHARS })}
        </p>
      </>
      {attached && <AttachedMessage attached={attached} aboutAuthor={aboutAuthor} onAboutAuthor={setAboutAuthor} onDetach={detach} />}
      {/* One thing at most: a message (or its author), or a booth. */}
      {(!attached || attached.gone) && (
        <>
          <label htmlFor="cx-booth">{t('cx.booth')}</label>
          <select id="cx-booth" value={boothId} onChange={(e) => setBoothId(e.target.value)}>
            <option value="">{t('cx.noBooth')}</option>
            {(booths ?? []).map((booth) => (
              <option key={booth.id} value={booth.id}>
                {booth.name}
              </option>
            ))}
          </select>
        </>
      )}
      <>
        <label>
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} aria-describedby="cx-anonymous-hint" /> {t('cx.anonymous')}
        </label>
        <p id="cx-anonymous-hint" className="hint">
          {t('cx.anonymousHint')}
        </p>
      </>
      <ErrorAlert error={error} />
      <button type="submit" disabled={busy}>
        {t('cx.submit')}
      </button>
    </form>
  );
}

function MyComplaints({ version }: { version: number }) {
  const t = useComplaintsT();
  const [mine, setMine] = useState<ComplaintTracking[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<{ complaints: ComplaintTracking[] }>('/api/complaints/mine').then((result) => (result.ok ? setMine(result.data.complaints) : setError(result.error)));
  }, [version]);
  return (
    <section aria-labelledby="cx-mine-title">
      <h2 id="cx-mine-title">{t('cx.mine')}</h2>
      <ErrorAlert error={error} />
      {mine?.length === 0 && <p>{t('cx.mineEmpty')}</p>}
      {mine?.map((complaint) => <ComplaintSteps key={complaint.id} complaint={complaint} />)}
    </section>
  );
}

/** `/complaints`: the form (then the tracking code, once, for an anonymous one) and the member's named complaints. */
export function ComplaintsPage() {
  const t = useComplaintsT();
  const [filed, setFiled] = useState<ComplaintCreated | null>(null);
  const [version, setVersion] = useState(0);
  const [handles, setHandles] = useState(false);
  useEffect(() => {
    void api<{ handle: boolean }>('/api/complaints/access').then((result) => setHandles(result.ok && result.data.handle));
  }, []);
  return (
    <div className="complaints">
      <h1 id="cx-title">{t('cx.title')}</h1>
      <p>{t('cx.intro')}</p>
      {handles && (
        <p>
          <Link to="/organisers/complaints">{t('cx.handleLink')}</Link>
        </p>
      )}
      {filed ? (
        <>
          <p role="status">{t('cx.sent', { id: filed.id })}</p>
          {filed.trackingCode && <CodeShown code={filed.trackingCode} />}
          <button type="button" className="secondary" onClick={() => setFiled(null)}>
            {t('cx.another')}
          </button>
        </>
      ) : (
        <ComplaintForm
          onFiled={(created) => {
            setFiled(created);
            setVersion((v) => v + 1);
          }}
        />
      )}
      <p>
        <Link to="/complaints/track">{t('cx.trackLink')}</Link>
      </p>
      <MyComplaints version={version} />
    </div>
  );
}

type Tracked = { code: string; complaint: ComplaintTracking | null; error: ApiError | null };

async function track(code: string): Promise<Tracked> {
  const result = await api<ComplaintTracking>(`/api/complaints/track/${encodeURIComponent(code)}`);
  return result.ok ? { code, complaint: result.data, error: null } : { code, complaint: null, error: result.error };
}

/** `/complaints/track`: anonymous complaints by the codes kept on this device, or one typed in. */
export function TrackComplaintPage() {
  const t = useComplaintsT();
  const [tracked, setTracked] = useState<Tracked[]>([]);
  const [typed, setTyped] = useState('');
  const [typedResult, setTypedResult] = useState<Tracked | null>(null);
  const loadSaved = useCallback(() => {
    void Promise.all(savedCodes().map(track)).then(setTracked);
  }, []);
  useEffect(loadSaved, [loadSaved]);

  async function show(event: FormEvent) {
    event.preventDefault();
    const result = await track(typed.trim());
    setTypedResult(result);
    if (result.complaint) {
      saveCode(typed.trim());
      loadSaved();
    }
  }

  return (
    <div className="complaints">
      <h1>{t('cx.trackTitle')}</h1>
      <form onSubmit={(e) => void show(e)} className="card row">
        <>
          <label htmlFor="cx-code">{t('cx.trackCode')}</label>
          <input id="cx-code" autoComplete="off" spellCheck={false} required value={typed} onChange={(e) => setTyped(e.target.value)} />
        </>
        <button type="submit">{t('cx.trackShow')}</button>
      </form>
      {typedResult?.error && (
        <p role="alert" className="error">
          {typedResult.error.code === 'NOT_FOUND' ? t('cx.trackNotFound') : t.app.error(typedResult.error)}
        </p>
      )}
      {tracked.length > 0 && (
        <section aria-labelledby="cx-saved-title">
          <h2 id="cx-saved-title">{t('cx.trackSaved')}</h2>
          {tracked.map(({ code, complaint, error }) => (
            <div key={code}>
              {complaint && <ComplaintSteps complaint={complaint} />}
              {error && <p className="error">{error.code === 'NOT_FOUND' ? t('cx.trackNotFound') : t.app.error(error)}</p>}
              <button
                type="button"
                className="secondary small"
                onClick={() => {
                  forgetCode(code);
                  loadSaved();
                }}
              >
                {t('cx.forget')}
              </button>
            </div>
          ))}
        </section>
      )}
    </div>
  );
}

/** `/complaints` and `/complaints/track` (one lazy chunk for both). */
export function ComplaintsPages() {
  return usePath() === '/complaints/track' ? <TrackComplaintPage /> : <ComplaintsPage />;
}
