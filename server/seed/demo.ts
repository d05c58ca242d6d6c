import { eq, sql, type SQL } from 'drizzle-orm';
import type { Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import { hashPassword } from '../auth/passwords.js';
import type { Db } from '../db/open.js';
import { boothHosts, booths, conductVersions, dialect, users } from '../db/tables.js';
import { DEMO_CONDUCT } from './demo-conduct.js';
import { writeDurably } from '../db/storage-errors.js';

export const DEMO_PASSWORD = 'fair-demo';

interface DemoBooth {
  slug: string;
  name: string;
  network: string;
  description: string;
  languages: Language[];
  tags: string[];
  capacity: number;
}

/** The 11 booths of the first real edition. Descriptions are short and neutral on purpose. */
export const DEMO_BOOTHS: readonly DemoBooth[] = [
  { slug: 'innovation-for-change', name: 'Innovation for Change', network: 'Innovation for Change', description: 'A network of regional hubs that helps civil society find new ways to organise, resource itself and protect civic space.', languages: ['en', 'es', 'fr'], tags: ['innovation', 'civic space', 'hubs'], capacity: 150 },
  { slug: 'connect-humanity', name: 'Connect Humanity', network: 'Connect Humanity', description: 'Works for fair and affordable internet access, and supports community-led connectivity.', languages: ['en', 'es'], tags: ['digital inclusion', 'connectivity'], capacity: 120 },
  { slug: 'end-water-poverty', name: 'End Water Poverty', network: 'End Water Poverty', description: 'A coalition campaigning for safe water and sanitation for everyone, everywhere.', languages: ['en', 'fr'], tags: ['water', 'sanitation', 'campaigning'], capacity: 120 },
  { slug: 'fair-share', name: 'Fair Share for Women Leaders', network: 'Fair Share for Women Leaders', description: 'Works towards a fair share of leadership positions for women in civil society organisations.', languages: ['en', 'es', 'fr'], tags: ['gender equality', 'leadership'], capacity: 120 },
  { slug: 'kujalink', name: 'KujaLink', network: 'KujaLink', description: 'A platform that connects local organisations with partners, funding and each other.', languages: ['en', 'fr'], tags: ['local organisations', 'partnerships'], capacity: 100 },
  { slug: 'peace-direct', name: 'Peace Direct', network: 'Peace Direct', description: 'Supports local people working to prevent violence and build lasting peace in conflict areas.', languages: ['en', 'fr'], tags: ['peacebuilding', 'local leadership'], capacity: 150 },
  { slug: 'sixteen-days', name: '16 Days of Activism against Gender-Based Violence', network: 'CIVICUS', description: 'A showcase of member campaigns from the 16 Days of Activism against Gender-Based Violence.', languages: ['en', 'es', 'fr'], tags: ['gender-based violence', 'showcase', 'campaigns'], capacity: 200 },
  { slug: 'civicus-monitor', name: 'CIVICUS Monitor', network: 'CIVICUS', description: 'Tracks and rates the state of civic freedoms in every country, with partners on the ground.', languages: ['en', 'es', 'fr'], tags: ['civic space', 'research', 'monitoring'], capacity: 150 },
  { slug: 'vuka-coalition', name: 'VUKA! Coalition', network: 'VUKA! Coalition for Civic Action', description: 'A coalition of civil society, artists and activists working together to defend and reclaim civic space.', languages: ['en', 'es', 'fr'], tags: ['coalition', 'civic space', 'solidarity'], capacity: 120 },
  { slug: 'youth-action-team', name: 'Youth Action Team', network: 'CIVICUS', description: 'Young activists who bring youth perspectives into the alliance and its work.', languages: ['en', 'es', 'fr'], tags: ['youth', 'participation'], capacity: 100 },
  { slug: 'unmute', name: '#UNMute campaign', network: 'CIVICUS', description: 'A campaign to make the voices of civil society heard in global decision-making.', languages: ['en', 'es', 'fr'], tags: ['advocacy', 'campaign', 'multilateralism'], capacity: 120 },
];

interface DemoAccount {
  email: string;
  displayName: string;
  role: Role;
  hosts?: string;
}

/**
 * Plain names, as real members would choose: a role written into a name would be English in
 * every language. The client shows each staff role as a translated badge beside the name.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'member@fair.test', displayName: 'Amina', role: 'member' },
  { email: 'member2@fair.test', displayName: 'Luis', role: 'member' },
  { email: 'host@fair.test', displayName: 'Claire', role: 'host', hosts: 'peace-direct' },
  { email: 'moderator@fair.test', displayName: 'Kofi', role: 'moderator' },
  { email: 'admin@fair.test', displayName: 'Sam', role: 'admin' },
];

/** True when the database holds no booths and no users: a fresh fair. */
export async function isEmpty(db: Db): Promise<boolean> {
  const [booth] = await db.select({ id: booths.id }).from(booths).limit(1);
  if (booth) return false;
  const [user] = await db.select({ id: users.id }).from(users).limit(1);
  return !user;
}

/** True when the demo accounts are in this database (so printing them helps). */
export async function hasDemoAccounts(db: Db): Promise<boolean> {
  const [account] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_ACCOUNTS[0]!.email)).limit(1);
  return account !== undefined;
}

/**
 * Advisory lock held while a node checks for an empty PostgreSQL database and seeds it: nodes
 * starting together take turns, and only the first finds it empty ("seed" in ASCII).
 */
export const SEED_LOCK_KEY = 0x73656564;

/** Seeds the demo fair: the 11 booths, the five demo accounts and a code of conduct (which they have yet to accept). */
export async function seedDemo(db: Db): Promise<void> {
  const hashes = await demoPasswordHashes();
  await writeDurably(db, () => insertDemo(db, hashes));
}

/**
 * Seeds the demo fair if the database is empty, and says whether it did. Safe when several
 * nodes start at once on one PostgreSQL: the check and the seed run in one transaction that
 * first takes an advisory lock, so a second node waits for the first and then finds the fair
 * there. (SQLite has one writer; its write transactions already run one at a time.)
 */
export async function seedDemoIfEmpty(db: Db): Promise<boolean> {
  if (!(await isEmpty(db))) return false;
  // Hashed before the transaction: the lock is held only for the inserts.
  const hashes = await demoPasswordHashes();
  return writeDurably(db, async () => {
    if (dialect() === 'postgres') await (db as unknown as { execute(query: SQL): Promise<unknown> }).execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    if (!(await isEmpty(db))) return false;
    await insertDemo(db, hashes);
    return true;
  });
}

function demoPasswordHashes(): Promise<string[]> {
  return Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)));
}

async function insertDemo(db: Db, hashes: string[]): Promise<void> {
  await db.insert(conductVersions).values({ version: 1, text: DEMO_CONDUCT, publishedAt: new Date() });
  const inserted = await db.insert(booths).values(DEMO_BOOTHS.map((booth) => ({ ...booth }))).returning({ id: booths.id, slug: booths.slug });
  const boothIdBySlug = new Map(inserted.map((row) => [row.slug, row.id]));
  for (const [i, account] of DEMO_ACCOUNTS.entries()) {
    const id = crypto.randomUUID();
    await db.insert(users).values({ id, email: account.email, displayName: account.displayName, role: account.role, passwordHash: hashes[i]! });
    const boothId = account.hosts ? boothIdBySlug.get(account.hosts) : undefined;
    if (boothId !== undefined) await db.insert(boothHosts).values({ boothId, userId: id });
  }
}
