import { useState, type ChangeEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import type { Invite, RosterPreview, RosterPreviewRow } from '../../../../shared/invites.js';
import { isLanguage, type MessageKey } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert, fieldName } from './ApiErrorAlert.js';
import { InviteLink } from './CopyLink.js';
import { DataTable } from './DataTable.js';
import { roleName } from './PeopleSection.js';
import { useOrganiserT, type OrganiserT } from './use-organiser-t.js';

/** A row's problem in the organiser's language; the server's own words only for what has no code. */
function problemText(t: OrganiserT, row: RosterPreviewRow, problem: RosterPreviewRow['problems'][number]): string {
  if (problem.code === 'invalid') return problem.message;
  const value = problem.code === 'roleUnknown' ? row.role : problem.code === 'languageUnknown' ? (row.locale ?? '') : (row.boothSlug ?? '');
  return t(`org.problem.${problem.code}`, { value });
}

/**
 * A CSV roster: first a preview of every row (nothing written), then, once no row has a
 * problem, the import itself, which answers with one link per invitation.
 */
export function RosterImportSection({ onImported }: { onImported: () => void }) {
  const t = useOrganiserT();
  const [csv, setCsv] = useState<string | null>(null);
  const [preview, setPreview] = useState<RosterPreview | null>(null);
  const [created, setCreated] = useState<Invite[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setPreview(null);
    setCreated(null);
    setError(null);
    if (!file) return setCsv(null);
    const text = await file.text();
    setCsv(text);
    setBusy(true);
    const result = await api<RosterPreview>('/api/admin/invites/import?dryRun=1', { method: 'POST', text });
    setBusy(false);
    if (result.ok) setPreview(result.data);
    else setError(result.error);
  }

  async function confirm() {
    if (csv === null) return;
    setBusy(true);
    const result = await api<{ invites: Invite[] }>('/api/admin/invites/import', { method: 'POST', text: csv });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setError(null);
    setPreview(null);
    setCsv(null);
    setCreated(result.data.invites);
    onImported();
  }

  const language = (code: string | null) => (code && isLanguage(code) ? t.app(`language.${code}` as MessageKey) : (code ?? ''));
  return (
    <section className="card" aria-labelledby="org-roster-title">
      <h2 id="org-roster-title">{t('org.roster')}</h2>
      <p className="hint" id="roster-hint">
        {t('org.rosterHint')}
      </p>
      <label htmlFor="roster-file">{t('org.rosterFile')}</label>
      <input id="roster-file" type="file" accept=".csv,text/csv,text/plain" aria-describedby="roster-hint" onChange={(e) => void choose(e)} />
      {busy && <p role="status">{t.app('app.loading')}</p>}
      <ApiErrorAlert error={error} />
      {preview && (
        <>
          <h3 id="roster-preview-title">{t('org.preview')}</h3>
          <p role="status">
            {t('org.previewSummary', { valid: preview.valid, invalid: preview.invalid })} {preview.invalid > 0 && t('org.previewFix')}
          </p>
          {preview.ignoredColumns.length > 0 && <p>{t('org.ignoredColumns', { columns: preview.ignoredColumns.join(', ') })}</p>}
          <DataTable labelledBy="roster-preview-title" columns={[t('org.line'), t('org.outcome'), t('org.email'), t('org.name'), t('org.role'), t('org.booth'), t('org.locale')]}>
            {preview.rows.map((row) => (
              <tr key={row.line}>
                <th scope="row">{row.line}</th>
                <td>
                  {row.problems.length === 0 ? (
                    t('org.willInvite')
                  ) : (
                    <ul className="error">
                      {row.problems.map((problem, i) => (
                        <li key={i}>{t('org.problem', { field: fieldName(t, problem.field), message: problemText(t, row, problem) })}</li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>{row.email}</td>
                <td>{row.displayName ?? ''}</td>
                <td>{roleName(t, row.role)}</td>
                <td>{row.boothSlug ?? ''}</td>
                <td>{language(row.locale)}</td>
              </tr>
            ))}
          </DataTable>
          <button type="button" disabled={busy || preview.invalid > 0 || preview.valid === 0} onClick={() => void confirm()}>
            {t('org.importConfirm', { count: preview.valid })}
          </button>
        </>
      )}
      {created && (
        <div>
          <h3 id="roster-created-title">{t('org.imported', { count: created.length })}</h3>
          <ul className="stack" aria-labelledby="roster-created-title">
            {created.map((invite) => (
              <li key={invite.id}>
                <InviteLink invite={invite} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
