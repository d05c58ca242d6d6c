import { asc, isNull } from 'drizzle-orm';
import type { Role } from '../../shared/roles.js';
import type { Db } from '../db/open.js';
import { users } from '../db/tables.js';

/** One account as organisers see it: both names, so they can tell who is behind a fair name. */
export interface PersonRow {
  id: string;
  email: string;
  /** The name used at the fair, the only one other members see. */
  displayName: string;
  /** The name the alliance verified (from the invitation), when there is one. */
  verifiedName: string | null;
  role: Role;
  createdAt: string;
}

/** Every account that is not deleted, by fair name. No password data. */
export async function listPeople(db: Db): Promise<PersonRow[]> {
  const rows = await db
    .select({ id: users.id, email: users.email, displayName: users.displayName, verifiedName: users.verifiedName, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(isNull(users.deletedAt))
    .orderBy(asc(users.displayName));
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
}
