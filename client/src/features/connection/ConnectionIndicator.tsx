import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';

/** Online / reconnecting / offline, announced politely when it changes. */
export function ConnectionIndicator() {
  const t = useT();
  const status = useStore((state) => state.connection);
  const label = status === 'online' ? t('conn.online') : status === 'offline' ? t('conn.offline') : t('conn.reconnecting');
  return (
    <p className={`connection connection-${status}`} role="status" aria-label={t('conn.label')}>
      <span className="dot" aria-hidden="true" />
      {label}
    </p>
  );
}
