import { useEffect, useState } from 'react';
import type { FeedbackOverview } from '../../../../shared/booth-feedback.js';
import type { ApiError } from '../../../../shared/errors.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert } from './ApiErrorAlert.js';
import { DataTable } from './DataTable.js';
import { useOrganiserT } from './use-organiser-t.js';

/** Every booth's ratings side by side: how many, the average, and how many gave each mark. No comments, no names. */
export function RatingsSection() {
  const t = useOrganiserT();
  const [overview, setOverview] = useState<FeedbackOverview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<FeedbackOverview>('/api/admin/feedback').then((result) => (result.ok ? setOverview(result.data) : setError(result.error)));
  }, []);
  const number = (n: number) => new Intl.NumberFormat(t.locale).format(n);
  const marks = [1, 2, 3, 4, 5];
  return (
    <section className="card" aria-labelledby="org-ratings-title">
      <h2 id="org-ratings-title">{t('org.ratings')}</h2>
      <p className="hint">{t('org.ratingsHint')}</p>
      <ApiErrorAlert error={error} />
      {overview && (
        <DataTable
          labelledBy="org-ratings-title"
          columns={[t('org.ratingsBooth'), t('org.ratingsCount'), t('org.ratingsAverage'), ...marks.map((rating) => t('org.ratingOf', { rating }))]}
        >
          {overview.booths.map((booth) => (
            <tr key={booth.boothId}>
              <th scope="row">{booth.name}</th>
              <td>{number(booth.count)}</td>
              <td>{booth.average === null ? '–' : number(booth.average)}</td>
              {booth.distribution.map((n, i) => (
                <td key={i}>{number(n)}</td>
              ))}
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
