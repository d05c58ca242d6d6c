import { useId, useState, type FormEvent } from 'react';
import type { Booth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import { SLOW_MODE_MAX_SECONDS } from '../../../../shared/limits.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { Link } from '../../lib/router.js';
import { command } from '../../lib/socket.js';
import { usePanelT, type PanelT } from './use-panel-t.js';

const NO_ANSWER: ApiError = { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' };

/** What the booth runs with now, in words: "Now: slow mode 10 s, locked". */
function currentSettings(tp: PanelT, booth: Booth): string {
  const parts = [
    booth.slowModeSeconds > 0 ? tp('panel.slowOn', { seconds: booth.slowModeSeconds }) : tp('panel.slowOff'),
    booth.locked ? tp('panel.isLocked') : tp('panel.isUnlocked'),
  ];
  if (booth.status === 'closed') parts.push(tp('panel.isClosed'));
  return `${tp('panel.now')} ${parts.join(', ')}`;
}

/**
 * One booth's slow mode and lock, sent with the same `booth:update` command as the host
 * console: the server audits it and every member in the booth (and the lobby) sees it at once.
 * The fields show the booth as it is until the moderator edits them; then their draft, until
 * it is applied. The booth itself follows `booth:updated` (the lobby's listener keeps the list).
 */
function BoothSettings({ booth }: { booth: Booth }) {
  const t = useT();
  const tp = usePanelT();
  const id = useId();
  const [draft, setDraft] = useState<{ slowMode: string; locked: boolean } | null>(null);
  const [outcome, setOutcome] = useState<{ error: ApiError | null; saved: boolean }>({ error: null, saved: false });
  const shown = draft ?? { slowMode: String(booth.slowModeSeconds), locked: booth.locked };
  const edit = (change: Partial<typeof shown>) => {
    setDraft({ ...shown, ...change });
    setOutcome({ error: null, saved: false });
  };
  async function submit(event: FormEvent) {
    event.preventDefault();
    const ack = await command('booth:update', { boothId: booth.id, slowModeSeconds: Number(shown.slowMode) || 0, locked: shown.locked });
    if (ack?.ok) {
      setDraft(null);
      setOutcome({ error: null, saved: true });
    } else setOutcome({ error: ack ? ack.error : NO_ANSWER, saved: false });
  }
  return (
    <li className="card">
      <form aria-labelledby={`${id}-name`} onSubmit={(e) => void submit(e)}>
        <h3 id={`${id}-name`}>
          <Link to={`/booths/${booth.slug}`}>{booth.name}</Link>
        </h3>
        <p className="hint">{currentSettings(tp, booth)}</p>
        <label htmlFor={`${id}-slow`}>{tp('panel.slowMode')}</label>
        <input id={`${id}-slow`} type="number" min={0} max={SLOW_MODE_MAX_SECONDS} value={shown.slowMode} onChange={(e) => edit({ slowMode: e.target.value })} />
        <label className="choice">
          <input type="checkbox" checked={shown.locked} onChange={(e) => edit({ locked: e.target.checked })} /> {tp('panel.locked')}
        </label>
        {outcome.error && (
          <p role="alert" className="error">
            {t.error(outcome.error)}
          </p>
        )}
        {outcome.saved && <p role="status">{tp('panel.saved')}</p>}
        <button type="submit" className="small">
          {tp('panel.apply')}
        </button>
      </form>
    </li>
  );
}

/** Every booth's slow mode and lock, for moderators: no detour through a host console. */
export function BoothControls() {
  const tp = usePanelT();
  const booths = useStore((state) => state.booths);
  return (
    <section aria-labelledby="booth-controls-title">
      <h2 id="booth-controls-title">{tp('panel.booths')}</h2>
      {booths?.length === 0 && <p>{tp('panel.boothsEmpty')}</p>}
      <ul className="panel-grid stack" aria-labelledby="booth-controls-title">
        {booths?.map((booth) => <BoothSettings key={booth.id} booth={booth} />)}
      </ul>
    </section>
  );
}
