import { useEffect, useState } from 'react';
import type { ContactSummary } from '../../../../shared/contacts.js';
import { contacts } from '../../i18n/parts/contacts.js';
import { usePartT } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';
import { getSocket } from '../../lib/socket.js';
import { plural } from './FollowUp.js';

/**
 * The header's "Contact requests: 3 open" for hosts (lazily loaded: members never download it).
 * Asked for on every (re)connection and after each live change; links to the console of the
 * first booth with open requests. Nothing shows while none is open.
 */
export function ContactCount() {
  const t = usePartT(contacts);
  const [summary, setSummary] = useState<ContactSummary | null>(null);
  useEffect(() => {
    const load = () => void api<ContactSummary>('/api/contacts/summary').then((result) => result.ok && setSummary(result.data));
    load();
    const socket = getSocket();
    socket?.on('contact:requested', load);
    socket?.on('contact:updated', load);
    socket?.on('connect', load);
    return () => {
      socket?.off('contact:requested', load);
      socket?.off('contact:updated', load);
      socket?.off('connect', load);
    };
  }, []);
  if (!summary || summary.open === 0) return null;
  const booth = summary.booths.find((b) => b.open > 0) ?? summary.booths[0]!;
  return <Link to={`/booths/${booth.slug}/console`}>{plural(t, 'contacts.headerCount', summary.open)}</Link>;
}
