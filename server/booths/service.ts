import { asc, eq, sql } from 'drizzle-orm';
import type { Booth } from '../../shared/booths.js';
import type { Db } from '../db/open.js';
import { booths } from '../db/schema.js';

type BoothRow = typeof booths.$inferSelect;

/** Where live occupancy comes from (presence); a function so booths need not know presence. */
export type OccupancyOf = (boothId: number) => number;

export type BoothService = ReturnType<typeof createBoothService>;

export function createBoothService(db: Db, occupancyOf: OccupancyOf) {
  const toBooth = (row: BoothRow): Booth => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    network: row.network,
    description: row.description,
    languages: row.languages,
    tags: row.tags,
    capacity: row.capacity,
    status: row.status,
    occupancy: occupancyOf(row.id),
  });

  // Prepared once: every join and every new connection runs these.
  const allIds = db.select({ id: booths.id }).from(booths).prepare();
  const oneById = db.select().from(booths).where(eq(booths.id, sql.placeholder('id'))).prepare();

  return {
    /** boothId → people present, for every booth: the lobby snapshot a new connection gets. */
    occupancy(): Record<string, number> {
      return Object.fromEntries(allIds.all().map(({ id }) => [id, occupancyOf(id)]));
    },
    list(): Booth[] {
      return db.select().from(booths).orderBy(asc(booths.name)).all().map(toBooth);
    },
    bySlug(slug: string): Booth | undefined {
      const row = db.select().from(booths).where(eq(booths.slug, slug)).get();
      return row && toBooth(row);
    },
    byId(id: number): Booth | undefined {
      const row = oneById.get({ id });
      return row && toBooth(row);
    },
  };
}
