import type { PresenceEntry } from '../../../../shared/protocol.js';
import { useStore } from '../../app/store.js';
import { isDataSaverOn } from '../../lib/preferences-slice.js';
import { useT } from '../../i18n/use-t.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { PersonActions } from './StaffActions.js';

export function PresenceList({ presence, boothId }: { presence: PresenceEntry[]; boothId: number }) {
  const t = useT();
  const meId = useStore((state) => state.me?.id);
  const collapsed = useStore(isDataSaverOn);
  const sorted = [...presence].sort((a, b) => a.displayName.localeCompare(b.displayName, t.locale));
  const list = (
    <ul className="people" aria-label={t('booth.people')}>
        {sorted.map((person) => (
          <li key={person.userId}>
            <span>{person.displayName}</span>
            <RoleBadge role={person.role} />
            {person.private && <span className="badge muted">{t('booth.privateVisitor')}</span>}
            {person.userId === meId && <span className="muted"> {t('booth.you')}</span>}
            <PersonActions person={person} boothId={boothId} />
          </li>
      ))}
    </ul>
  );
  return (
    <section aria-labelledby="people-title" className="card">
      <h2 id="people-title">{t('booth.people')}</h2>
      <p>{t.plural('booth.peopleCount', presence.length)}</p>
      {/* Data saver: the count only, the names on request. */}
      {collapsed ? (
        <details>
          <summary>{t('people.show')}</summary>
          {list}
        </details>
      ) : (
        list
      )}
    </section>
  );
}
