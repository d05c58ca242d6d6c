import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConductView } from '../../../../shared/conduct.js';
import type { ApiError, Result } from '../../../../shared/errors.js';
import { useStore } from '../../app/store.js';
import { conduct } from '../../i18n/parts/conduct.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { Link, navigate, usePath } from '../../lib/router.js';

/** Paragraphs split by blank lines; a paragraph of "- " lines is a list. Plain text: nothing is parsed as markup. */
function ConductText({ text }: { text: string }) {
  const blocks = text.split(/\n\s*\n/).map((block) => block.trim()).filter(Boolean);
  const grouped: (string | string[])[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').map((line) => line.trim());
    const items = lines.every((line) => line.startsWith('- ')) ? lines.map((line) => line.slice(2)) : null;
    const last = grouped[grouped.length - 1];
    if (items && Array.isArray(last)) last.push(...items);
    else grouped.push(items ?? block);
  }
  return (
    <>
      {grouped.map((block, i) =>
        Array.isArray(block) ? (
          <ul key={i}>
            {block.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ul>
        ) : (
          <p key={i}>{block}</p>
        ),
      )}
    </>
  );
}

/**
 * The fair's code of conduct, in the reader's language. While the signed-in person has not
 * accepted the current version it stands in place of every page but their account: they read
 * it and accept it, then go on where they were going (a booth's page joins again by itself).
 */
export function ConductPage() {
  const c = usePartT(conduct);
  const me = useStore((state) => state.me);
  const setMe = useStore((state) => state.setMe);
  const path = usePath();
  const [view, setView] = useState<ConductView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const titleRef = useRef<HTMLHeadingElement>(null);
  /** Only the latest request's answer is shown (a quick change of language must not show the older one). */
  const latest = useRef(0);

  const show = useCallback(
    (request: number, result: Result<ConductView>) => {
      if (request !== latest.current) return;
      if (!result.ok) return setError(result.error);
      setError(null);
      setView(result.data);
      // What is pending follows the server: accepted on another device, a newer version
      // published since the page loaded, or none published at all.
      const current = useStore.getState().me;
      const pendingNow = result.data.accepted || result.data.version === 0 ? null : result.data.version;
      if (current && (current.conductPending ?? null) !== pendingNow) setMe({ ...current, conductPending: pendingNow });
    },
    [setMe],
  );
  const load = useCallback(() => {
    const request = ++latest.current;
    return api<ConductView>(`/api/conduct?lang=${c.locale}`).then((result) => show(request, result));
  }, [c.locale, show]);

  useEffect(() => {
    void load();
  }, [load]);

  async function accept() {
    if (!view || !me) return;
    setBusy(true);
    setError(null);
    const result = await api<{ version: number }>('/api/conduct/accept', { body: { version: view.version } });
    setBusy(false);
    if (result.ok) {
      setMe({ ...me, conductPending: null });
      if (path === '/conduct') navigate('/');
      return;
    }
    if (result.error.code === 'CONFLICT') {
      // A new version was published while they read: show it, and ask for that one.
      setChanged(true);
      await load();
      titleRef.current?.focus();
      return;
    }
    setError(result.error);
  }

  const mustAccept = me != null && view !== null && view.version > 0 && !view.accepted;
  return (
    <section className="card conduct" aria-labelledby="conduct-title">
      <h1 id="conduct-title" tabIndex={-1} ref={titleRef}>
        {c('conduct.title')}
      </h1>
      {changed && (
        <p role="status" className="notice">
          {c('conduct.changed')}
        </p>
      )}
      {mustAccept && <p>{c('conduct.intro')}</p>}
      {error && (
        <div role="alert" className="error">
          <p>{c.app.error(error)}</p>
          {!view && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setError(null);
                void load();
              }}
            >
              {c('conduct.retry')}
            </button>
          )}
        </div>
      )}
      {!view && !error && <p role="status">{c('conduct.loading')}</p>}
      {view && view.version === 0 && <p>{c('conduct.none')}</p>}
      {view && view.version > 0 && (
        <>
          {view.language && view.language !== c.locale && <p className="muted">{c('conduct.otherLanguage', { language: c(`conduct.language.${view.language}`) })}</p>}
          <div className="conduct-text" lang={view.language ?? undefined}>
            <ConductText text={view.text} />
          </div>
          {mustAccept ? (
            <button type="button" disabled={busy} onClick={() => void accept()}>
              {busy ? c('conduct.accepting') : c('conduct.accept')}
            </button>
          ) : (
            me && view.accepted && <p role="status">{c('conduct.accepted')}</p>
          )}
        </>
      )}
      {!mustAccept && <Link to="/">{c('conduct.toLobby')}</Link>}
    </section>
  );
}
