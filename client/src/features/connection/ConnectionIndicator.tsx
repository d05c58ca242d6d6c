import { useState } from 'react';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { useNow } from '../../lib/use-now.js';
import type { ConnectionStatus } from './connection-slice.js';

const LABELS: Record<Exclude<ConnectionStatus, 'busy'>, MessageKey> = {
  online: 'conn.online',
  connecting: 'conn.reconnecting',
  reconnecting: 'conn.reconnecting',
  offline: 'conn.offline',
  updating: 'conn.updating',
  outdated: 'conn.outdated',
};

/**
 * "Very busy; reconnecting in N s", counting down on screen. Screen readers hear the sentence
 * once per refusal (it is remounted for each), not every second: the ticking copy is hidden from them.
 */
function BusyCountdown({ reconnectAt }: { reconnectAt: number }) {
  const t = useT();
  const now = useNow(1_000);
  const secondsLeft = (from: number) => Math.max(0, Math.ceil((reconnectAt - from) / 1_000));
  const [announced] = useState(() => secondsLeft(Date.now()));
  return (
    <>
      <span aria-hidden="true">{t('conn.busy', { seconds: secondsLeft(now) })}</span>
      <span className="visually-hidden">{t('conn.busy', { seconds: announced })}</span>
    </>
  );
}

/** Online / reconnecting / offline / busy / out of date, announced politely when it changes. */
export function ConnectionIndicator() {
  const t = useT();
  const status = useStore((state) => state.connection);
  const reconnectAt = useStore((state) => state.reconnectAt);
  let label;
  if (status !== 'busy') label = t(LABELS[status]);
  else if (reconnectAt === null) label = t('conn.reconnecting');
  else label = <BusyCountdown key={reconnectAt} reconnectAt={reconnectAt} />;
  return (
    <p className={`connection connection-${status}`} role="status" aria-label={t('conn.label')}>
      <span className="dot" aria-hidden="true" />
      {label}
    </p>
  );
}
