import { ROSTER_COLUMNS, ROSTER_HEADERS, ROSTER_LANGUAGE_NAMES, ROSTER_REQUIRED_COLUMNS, ROSTER_ROLE_NAMES, rosterKey, type RosterColumn } from '../../shared/invites.js';
import { LANGUAGES, ROSTER_MAX_ROWS, type Language } from '../../shared/limits.js';
import { ROLES, type Role } from '../../shared/roles.js';
import { fail, ok, type Result } from '../http/errors.js';
import { parseCsv } from './csv.js';

/** One roster row: its line in the file and its cells by column (absent columns read as ''). */
export interface RosterRecord {
  line: number;
  values: Record<RosterColumn, string>;
  /** Set when the line has more or fewer cells than the header: it is then not read further. */
  shape?: string;
}

const columnByHeader = new Map(ROSTER_COLUMNS.flatMap((column) => ROSTER_HEADERS[column].map((header) => [rosterKey(header), column] as const)));
const roleByName = new Map(ROLES.flatMap((role) => ROSTER_ROLE_NAMES[role].map((name) => [rosterKey(name), role] as const)));
const languageByName = new Map(LANGUAGES.flatMap((language) => [language, ...ROSTER_LANGUAGE_NAMES[language]].map((name) => [rosterKey(name), language] as const)));

/** A role as an organiser wrote it ("Anfitrión", "hôte", "Member"), or null. */
export function rosterRole(text: string): Role | null {
  return roleByName.get(rosterKey(text)) ?? null;
}

/** A language as an organiser wrote it ("es", "es-MX", "Français"), or null. */
export function rosterLanguage(text: string): Language | null {
  const key = rosterKey(text);
  return languageByName.get(key) ?? languageByName.get(/^[a-z]{2}[a-z]{2}$/.test(key) ? key.slice(0, 2) : '') ?? null;
}

const problem = (line: number, field: string, message: string) =>
  fail('INVALID_PAYLOAD', `line ${line}: ${message}`, { lines: [{ line, field, message }] });

/**
 * Reads a roster as spreadsheets export it (see parseCsv): a header line naming the columns in
 * English, Spanish or French, in any order (`email` and `role` required; `display_name`,
 * `booth_slug` and `locale` optional), then one person per line. What cannot be read at all
 * (not CSV, no usable header, no rows, too many) is a failure; a row's own problems are left
 * to the caller, who reports them all.
 */
export function readRoster(csv: string): Result<{ rows: RosterRecord[]; ignoredColumns: string[] }> {
  const parsed = parseCsv(csv);
  if (!parsed.ok) return problem(parsed.line, 'csv', parsed.message);
  const [header, ...records] = parsed.records;
  if (!header) return problem(1, 'header', 'the roster is empty');
  const columns = header.fields.map((name) => columnByHeader.get(rosterKey(name)) ?? null);
  const missing = ROSTER_REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    return problem(header.line, 'header', `the header needs the columns ${missing.join(' and ')} (for example ${ROSTER_COLUMNS.join(',')})`);
  }
  const twice = columns.find((column, i) => column !== null && columns.indexOf(column) !== i);
  if (twice) return problem(header.line, 'header', `two columns are read as ${twice}`);
  if (records.length === 0) return problem(header.line, 'csv', 'the roster has no rows');
  if (records.length > ROSTER_MAX_ROWS) return problem(header.line, 'csv', `a roster holds at most ${ROSTER_MAX_ROWS} rows`);
  const ignoredColumns = header.fields.filter((_, i) => columns[i] === null && header.fields[i]!.trim() !== '');
  const rows = records.map(({ line, fields }) => {
    const values = Object.fromEntries(ROSTER_COLUMNS.map((column) => [column, ''])) as Record<RosterColumn, string>;
    columns.forEach((column, i) => {
      if (column) values[column] = (fields[i] ?? '').trim();
    });
    const shape = fields.length === header.fields.length ? undefined : `expected ${header.fields.length} fields, found ${fields.length}`;
    return { line, values, ...(shape ? { shape } : {}) };
  });
  return ok({ rows, ignoredColumns });
}
