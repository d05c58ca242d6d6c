import { useEffect, useState } from 'react';
import type { ComplaintSafetyAlert } from '../../../../shared/complaints.js';
import { useStore } from '../../app/store.js';
import { formatInstant } from '../../i18n/index.js';
import { staff } from '../../i18n/parts/staff.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { Link } from '../../lib/router.js';
import { getSocket } from '../../lib/socket.js';

/**
 * Conduct or safety complaints that came in while this moderator is online (`complaint:safety`),
 * read out at once. Nothing about the filer or the text: where it happened, when, and a way there.
 */
export function SafetyAlerts() {
  const t = usePartT(staff);
  const booths = useStore((state) => state.booths);
  const [alerts, setAlerts] = useState<ComplaintSafetyAlert[]>([]);
  useEffect(() => {
    const socket = getSocket();
    const arrived = (alert: ComplaintSafetyAlert) => setAlerts((held) => [alert, ...held.filter((a) => a.id !== alert.id)]);
    socket?.on('complaint:safety', arrived);
    return () => {
      socket?.off('complaint:safety', arrived);
    };
  }, []);
  return (
    <div role="alert">
      {alerts.map((alert) => {
        const booth = alert.aboutBoothId === null ? undefined : booths?.find((b) => b.id === alert.aboutBoothId);
        return (
          <p key={alert.id} className="notice">
            {t('staff.safetyAlert', { time: formatInstant(alert.createdAt, t.locale) })}{' '}
            {booth && <Link to={`/booths/${booth.slug}`}>{t('staff.goToBooth', { name: booth.name })}</Link>}{' '}
            <button type="button" className="secondary small" onClick={() => setAlerts((held) => held.filter((a) => a.id !== alert.id))}>
              {t.app('notice.dismiss')}
            </button>
          </p>
        );
      })}
    </div>
  );
}
