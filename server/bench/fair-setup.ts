import { asc } from 'drizzle-orm';
import { BOOTH_CAPACITY_MAX } from '../../shared/limits.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { openStore } from '../db/store.js';
import { writeDurably } from '../db/storage-errors.js';
import { booths, sessions, users } from '../db/tables.js';
import { seedDemo } from '../seed/demo.js';
import type { BenchMember } from './worker-messages.js';

/** Share of members who stay in the lobby; the rest enter a booth. */
export const LOBBY_SHARE = 0.15;
/** Shares of in-booth members for the most popular booths; the rest split what is left evenly. */
export const POPULAR_BOOTH_SHARES = [0.25, 0.2, 0.15];
const INSERT_CHUNK_ROWS = 500;
const SESSION_TTL_MS = 24 * 3_600_000;

/**
 * Where each member goes, like a real fair: some stay in the lobby, most crowd into a few
 * popular booths, the rest spread thinly. Exact counts (largest remainder), then a fixed
 * shuffle so every load worker gets the same mix.
 */
export function placeMembers(count: number, boothIds: number[]): (number | null)[] {
  const rest = Math.max(0, boothIds.length - POPULAR_BOOTH_SHARES.length);
  const popular = POPULAR_BOOTH_SHARES.slice(0, boothIds.length);
  const leftover = 1 - popular.reduce((a, b) => a + b, 0);
  const boothShares = boothIds.map((_, i) => (i < popular.length ? popular[i]! : leftover / rest) * (1 - LOBBY_SHARE));
  const places: (number | null)[] = [null, ...boothIds];
  const shares = [LOBBY_SHARE, ...boothShares];
  const exact = shares.map((share) => share * count);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((value, i) => [value - Math.floor(value), i] as const).sort((a, b) => b[0] - a[0]);
  for (let i = 0; counts.reduce((a, b) => a + b, 0) < count; i++) counts[byRemainder[i % byRemainder.length]![1]]! += 1;
  const placed = counts.flatMap((n, i) => Array<number | null>(n).fill(places[i]!));
  let state = 0x2545f491;
  for (let i = placed.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [placed[i], placed[j]] = [placed[j]!, placed[i]!];
  }
  return placed;
}

/**
 * A fresh fair for one bench run (a SQLite file, or an empty PostgreSQL database): the demo fair, booth capacities raised to the maximum (the
 * demo's 100–200 seats would turn a big run into BOOTH_FULL), and `count` members each with a
 * live session, written straight into the database so the run needs no scrypt logins. The
 * members have no usable password, and have accepted the demo's code of conduct.
 */
export async function prepareBenchFair(target: string | { databaseUrl: string }, count: number): Promise<BenchMember[]> {
  // A SQLite file (one node, embedded), or a PostgreSQL database, migrated here (the scaled mode's nodes).
  const store = await openStore(typeof target === 'string' ? { databasePath: target, databaseUrl: null } : { databasePath: '', databaseUrl: target.databaseUrl });
  const { db } = store;
  try {
    await seedDemo(db);
    await writeDurably(db, () => db.update(booths).set({ capacity: BOOTH_CAPACITY_MAX }));
    const boothIds = (await db.select({ id: booths.id }).from(booths).orderBy(asc(booths.id))).map((row) => row.id);
    const placement = placeMembers(count, boothIds);
    const now = Date.now();
    const members: BenchMember[] = placement.map((boothId, index) => ({ index, token: newSecret(), boothId }));
    await writeDurably(db, async () => {
      for (let start = 0; start < members.length; start += INSERT_CHUNK_ROWS) {
        const chunk = members.slice(start, start + INSERT_CHUNK_ROWS);
        const ids = chunk.map(() => crypto.randomUUID());
        await db
          .insert(users)
          .values(chunk.map((m, i) => ({ id: ids[i]!, email: `bench-${m.index}@fair.test`, displayName: `Bench member ${m.index}`, role: 'member' as const, passwordHash: '!', conductVersion: 1 })));
        await db
          .insert(sessions)
          .values(chunk.map((m, i) => ({ tokenHash: hashSecret(m.token), userId: ids[i]!, expiresAt: new Date(now + SESSION_TTL_MS), createdAt: new Date(now) })));
      }
    });
    return members;
  } finally {
    await store.close();
  }
}
