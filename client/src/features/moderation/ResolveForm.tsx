import { useId, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import { MODERATION_REASON_MAX_CHARS } from '../../../../shared/limits.js';
import { usePanelT } from './use-panel-t.js';

/**
 * Closing a report (booth chat or 1:1 conversation): a note for the reporter, then "Resolve" or
 * "Dismiss". `close` answers null when the report was closed, else the error to show.
 */
export function ResolveForm({ close }: { close: (outcome: 'resolved' | 'dismissed', note: string) => Promise<ApiError | null> }) {
  const tp = usePanelT();
  const id = useId();
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const closeAs = async (outcome: 'resolved' | 'dismissed') => setError(await close(outcome, note.trim()));
  const onSubmit = (event: FormEvent) => event.preventDefault();
  return (
    <form onSubmit={onSubmit}>
      <label htmlFor={id}>{tp('mod.resolutionNote')}</label>
      <textarea id={id} rows={2} maxLength={MODERATION_REASON_MAX_CHARS} value={note} onChange={(e) => setNote(e.target.value)} />
      {error && (
        <p role="alert" className="error">
          {tp.app.error(error)}
        </p>
      )}
      <div className="row">
        <button type="button" className="small" disabled={!note.trim()} onClick={() => void closeAs('resolved')}>
          {tp('mod.resolve')}
        </button>
        <button type="button" className="secondary small" disabled={!note.trim()} onClick={() => void closeAs('dismissed')}>
          {tp('mod.dismiss')}
        </button>
      </div>
    </form>
  );
}
