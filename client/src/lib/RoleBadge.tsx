import type { Role } from '../../../shared/roles.js';
import type { MessageKey } from '../i18n/index.js';
import { useT } from '../i18n/use-t.js';

/** The badge each staff role carries; members carry none. */
const BADGES: Readonly<Record<Role, MessageKey | null>> = {
  member: null,
  host: 'badge.host',
  moderator: 'badge.moderator',
  admin: 'badge.admin',
};

/**
 * A staff member's role, translated, as real text beside their name (screen readers read it
 * with the name). Names cannot carry role words (server/auth/name-guard.ts), so this badge
 * is the only way anyone on screen says "moderator". Shown for the fair role: a host's badge
 * says they staff the fair, wherever they speak.
 */
export function RoleBadge({ role }: { role: Role }) {
  const t = useT();
  const key = Object.hasOwn(BADGES, role) ? BADGES[role] : null;
  if (!key) return null;
  return (
    <>
      {' '}
      <span className="badge role-badge">{t(key)}</span>
    </>
  );
}
