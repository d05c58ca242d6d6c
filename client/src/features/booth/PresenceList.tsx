import { useId, useRef, useState } from 'react';
import type { PresenceEntry } from '../../../../shared/protocol.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { isDataSaverOn } from '../../lib/preferences-slice.js';
import { useT } from '../../i18n/use-t.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { PersonActions } from './StaffActions.js';
// Type only: the pager itself is imported when first opened, as its own chunk.
import type { PresencePager } from './PresencePager.js';

type Pager = typeof PresencePager;

/**
 * Who is here: the bounded list the booth holds (staff, me, some others) and the server's
 * count. When the list is not everyone, or for staff, "see everyone" pages through the whole
 * booth with presence:list; that code is its own chunk, loaded when first asked for.
 */
export function PresenceList({ presence, total, boothId }: { presence: PresenceEntry[]; total: number; boothId: number }) {
  const t = useT();
  const me = useStore((state) => state.me);
  const collapsed = useStore(isDataSaverOn);
  const [Pager, setPager] = useState<Pager | null>(null);
  const [open, setOpen] = useState(false);
  const [loadFailed, setLoadFailed] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const count = Math.max(total, presence.length);
  const partial = count > presence.length;
  const sorted = [...presence].sort((a, b) => a.displayName.localeCompare(b.displayName, t.locale));

  const openPager = () => {
    setOpen(true);
    setLoadFailed(false);
    if (!Pager) import('./PresencePager.js').then((module) => setPager(() => module.PresencePager), () => setLoadFailed(true));
  };
  const closePager = () => {
    setOpen(false);
    toggle.current?.focus();
  };

  const list = (
    <ul className="people" aria-label={t('booth.people')}>
      {sorted.map((person) => (
        <li key={person.userId}>
          <span>{person.displayName}</span>
          <RoleBadge role={person.role} />
          {person.private && <span className="badge muted">{t('booth.privateVisitor')}</span>}
          {person.userId === me?.id && <span className="muted"> {t('booth.you')}</span>}
          <PersonActions person={person} boothId={boothId} />
        </li>
      ))}
    </ul>
  );
  return (
    <section aria-labelledby="people-title" className="card">
      <h2 id="people-title">{t('booth.people')}</h2>
      <p>{t.plural('booth.peopleCount', count)}</p>
      {partial && <p className="hint">{t('people.listed', { shown: presence.length, count })}</p>}
      {/* Data saver: the count only, the names on request. */}
      {collapsed ? (
        <details>
          <summary>{t('people.show')}</summary>
          {list}
        </details>
      ) : (
        list
      )}
      {(partial || can(me, 'booth:staff', { boothId })) && (
        <>
          <button ref={toggle} type="button" className="secondary small people-all" aria-expanded={open} aria-controls={panelId} onClick={open ? closePager : openPager}>
            {t('people.seeAll', { count })}
          </button>
          <div id={panelId}>
            {open && Pager && <Pager boothId={boothId} onClose={closePager} />}
            {open && !Pager && (loadFailed ? <p role="alert" className="error">{t('error.UPSTREAM_UNAVAILABLE')}</p> : <p role="status">{t('app.loading')}</p>)}
          </div>
        </>
      )}
    </section>
  );
}
