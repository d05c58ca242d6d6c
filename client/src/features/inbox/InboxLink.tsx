import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { Link } from '../../lib/router.js';

/** "Inbox (3)" in the header, its accessible name "Inbox, 3 unread". Tiny: it is in the entry. */
export function InboxLink() {
  const t = useT();
  const unread = useStore((state) => state.inboxUnread);
  return (
    <Link to="/inbox" aria-label={unread ? t('nav.inboxUnread', { count: unread }) : undefined}>
      {t('nav.inbox')}
      {unread ? ` (${unread})` : ''}
    </Link>
  );
}
