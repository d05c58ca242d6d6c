import type { ApiError } from '../../../../shared/errors.js';
import { useOrganiserT } from './use-organiser-t.js';

/** An API error in the reader's language; a refused import lists its problems by line. */
export function ApiErrorAlert({ error }: { error: ApiError | null }) {
  const t = useOrganiserT();
  if (!error) return null;
  const lines = error.details?.lines ?? [];
  return (
    <div role="alert" className="error">
      <p>{t.app.error(error)}</p>
      {lines.length > 0 && (
        <ul>
          {lines.map((problem, i) => (
            <li key={i}>{t('org.lineProblem', { line: problem.line, field: fieldName(t, problem.field), message: problem.message })}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A roster column as the reader calls it (the server names fields in English). */
export function fieldName(t: ReturnType<typeof useOrganiserT>, field: string): string {
  switch (field) {
    case 'email':
      return t('org.email');
    case 'role':
      return t('org.role');
    case 'displayName':
    case 'display_name':
      return t('org.displayName');
    case 'boothSlug':
    case 'booth_slug':
      return t('org.booth');
    case 'locale':
      return t('org.locale');
    default:
      return t('org.row');
  }
}
