import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { reloadIntoNewBuild } from './reload-into-new-build.js';

/**
 * Shown on every page when the server speaks a newer protocol and reloading by ourselves did
 * not help (the loop guard stopped it): the member reloads, by button or by hand.
 */
export function UpdateNotice() {
  const t = useT();
  const outdated = useStore((state) => state.connection === 'outdated');
  if (!outdated) return null;
  return (
    <p role="alert" className="notice">
      {t('error.CLIENT_OUTDATED')}{' '}
      <button type="button" className="small" onClick={() => void reloadIntoNewBuild()}>
        {t('conn.reload')}
      </button>
    </p>
  );
}
