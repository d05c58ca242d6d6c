import { useCallback, useEffect, useState } from 'react';
import type { AdminBooth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { usePath } from '../../lib/router.js';
import { BoothsSection } from './BoothsSection.js';
import { ComplaintsConsolePage, ComplaintsSection, useComplaintsT } from './ComplaintsSection.js';
import { ConductSection } from './ConductSection.js';
import { FairSettingsSection } from './FairSettingsSection.js';
import { PeopleSection } from './PeopleSection.js';
import { RatingsSection } from './RatingsSection.js';
import { RosterImportSection } from './RosterImportSection.js';
import { SurveySection } from './SurveySection.js';
import { useOrganiserT } from './use-organiser-t.js';

const SECTIONS = [
  ['org-fair', 'org.fair'],
  ['org-conduct', 'org.conduct'],
  ['org-booths', 'org.booths'],
  ['org-people', 'org.people'],
  ['org-roster', 'org.roster'],
  ['org-ratings', 'org.ratings'],
  ['org-exports', 'org.exports'],
] as const;

function Exports() {
  const t = useOrganiserT();
  const offset = new Date().getTimezoneOffset();
  return (
    <section id="org-exports" className="card" aria-labelledby="org-exports-title">
      <h2 id="org-exports-title">{t('org.exports')}</h2>
      <ul>
        <li>
          <a href="/api/admin/people?format=csv" download>
            {t('org.exportPeople')}
          </a>
        </li>
        <li>
          <a href="/api/admin/booths?format=csv" download>
            {t('org.exportBooths')}
          </a>
        </li>
        <li>
          <a href={`/api/admin/figures?tzOffsetMinutes=${offset}`} download>
            {t('org.exportFigures')}
          </a>
        </li>
        <li>
          <a href="/api/accountability/report?format=csv" download>
            {t('org.exportAccountability')}
          </a>
        </li>
      </ul>
    </section>
  );
}

/** The organisers' console: fair settings, booths and their hosts, people, roster import, exports. */
export function OrganisersPage() {
  const t = useOrganiserT();
  const cx = useComplaintsT();
  const me = useStore((state) => state.me);
  const allowed = me ? can(me, 'booths:manage') : false;
  const complaintsOnly = usePath() === '/organisers/complaints';
  const [booths, setBooths] = useState<AdminBooth[] | null>(null);
  const [boothsError, setBoothsError] = useState<ApiError | null>(null);
  // Bumped when something elsewhere changes who is listed (a roster import, a host added).
  const [peopleVersion, setPeopleVersion] = useState(0);
  const loadBooths = useCallback(() => {
    void api<{ booths: AdminBooth[] }>('/api/admin/booths').then((result) => {
      if (result.ok) {
        setBooths(result.data.booths);
        setBoothsError(null);
      } else setBoothsError(result.error);
    });
  }, []);
  useEffect(() => {
    if (allowed) loadBooths();
  }, [allowed, loadBooths]);
  const boothsChanged = useCallback(() => {
    loadBooths();
    setPeopleVersion((v) => v + 1);
  }, [loadBooths]);

  // People granted complaints:handle (the server checks it) open the complaints alone.
  if (complaintsOnly) return <ComplaintsConsolePage />;
  if (!allowed) return <p role="alert">{t.app('error.FORBIDDEN')}</p>;
  return (
    <div className="organisers" aria-labelledby="org-title" role="region">
      <h1 id="org-title">{t('org.title')}</h1>
      <nav aria-label={t('org.sections')}>
        <ul className="row section-links">
          {SECTIONS.map(([id, key]) => (
            <li key={id}>
              <a href={`#${id}`}>{t(key)}</a>
            </li>
          ))}
          <li>
            <a href="#org-complaints">{cx('cx.handleTitle')}</a>
          </li>
        </ul>
      </nav>
      <div id="org-fair">
        <FairSettingsSection />
      </div>
      <div id="org-conduct">
        <ConductSection />
      </div>
      <div id="org-booths">
        <BoothsSection booths={booths} error={boothsError} reload={boothsChanged} />
      </div>
      <div id="org-people">
        <PeopleSection booths={booths ?? []} version={peopleVersion} />
      </div>
      <div id="org-roster">
        <RosterImportSection onImported={() => setPeopleVersion((v) => v + 1)} />
      </div>
      <div id="org-ratings">
        <RatingsSection />
      </div>
      <Exports />
      <div id="org-survey">
        <SurveySection />
      </div>
      <div id="org-complaints">
        <ComplaintsSection />
      </div>
    </div>
  );
}
