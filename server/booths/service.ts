import { asc, eq } from 'drizzle-orm';
import type { Booth } from '../../shared/booths.js';
import type { Db } from '../db/open.js';
import { booths } from '../db/schema.js';

type BoothRow = typeof booths.$inferSelect;

/** Where live occupancy comes from (presence); a function so booths need not know presence. */
export type OccupancyOf = (boothId: number) => number;

/** Whether the fair has video, and who is in a booth's video room (the video feature knows). */
export type VideoOf = (boothId: number) => { video: boolean; videoParticipants: number };

const NO_VIDEO: VideoOf = () => ({ video: false, videoParticipants: 0 });

export type BoothService = ReturnType<typeof createBoothService>;

export function createBoothService(db: Db, occupancyOf: OccupancyOf, videoOf: VideoOf = NO_VIDEO) {
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
    ...videoOf(row.id),
  });

  return {
    list(): Booth[] {
      return db.select().from(booths).orderBy(asc(booths.name)).all().map(toBooth);
    },
    bySlug(slug: string): Booth | undefined {
      const row = db.select().from(booths).where(eq(booths.slug, slug)).get();
      return row && toBooth(row);
    },
    byId(id: number): Booth | undefined {
      const row = db.select().from(booths).where(eq(booths.id, id)).get();
      return row && toBooth(row);
    },
  };
}
