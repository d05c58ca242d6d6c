import { sql } from 'drizzle-orm';
import { conductVersions } from '../db/tables.js';

/** The code of conduct's current version, as a column of any query on users (one index read). */
export function currentConductVersion() {
  return sql<number | null>`(select max(${conductVersions.version}) from ${conductVersions})`.mapWith(Number);
}

/** The version a person with `accepted` must still accept, or null when nothing is pending. */
export function conductPending(current: number | null | undefined, accepted: number | null | undefined): number | null {
  return current && (accepted ?? 0) < current ? current : null;
}
