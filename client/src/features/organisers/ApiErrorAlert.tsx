import type { ApiError } from '../../../../shared/errors.js';
import { useOrganiserT } from './use-organiser-t.js';

/**
 * An API error in the reader's language; a refused import lists its problems by line. The
 * server names a refused field by its path (`links.0.url`): `fieldLabel` turns that into the
 * form's own label for it, so the sentence names the field as the reader sees it.
 */
export function ApiErrorAlert({ error, fieldLabel }: { error: ApiError | null; fieldLabel?: (path: string) => string }) {
  const t = useOrganiserT();
  if (!error) return null;
  const lines = error.details?.lines ?? [];
  const path = error.code === 'INVALID_PAYLOAD' ? error.details?.field : undefined;
  // The form's own label for the field, where the form knows it; else the app's field names.
  const sentence = path && fieldLabel ? t.app('error.INVALID_PAYLOAD', { detail: fieldLabel(path) }) : t.app.error(error);
  return (
    <div role="alert" className="error">
      <p>{sentence}</p>
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
