/**
 * Creates the first admin of a production fair:
 *   npm run admin:create -- --email you@example.org [--name "Your Name"]   asks for a password
 *   npm run admin:create -- --email you@example.org --invite               prints a one-time link
 * Without a terminal, the password is read from the first line of standard input. It writes to
 * the fair's database: DATABASE_URL (PostgreSQL, the scaled mode) when set, else DATABASE_PATH.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { eq } from 'drizzle-orm';
import { displayNameSchema, emailSchema, passwordSchema } from '../../shared/auth.js';
import { hashPassword } from '../auth/passwords.js';
import { createAuthService } from '../auth/service.js';
import { loadConfig } from '../config.js';
import { openStore } from '../db/store.js';
import { users } from '../db/tables.js';
import { writeDurably } from '../db/storage-errors.js';
import { createAuditLog } from '../moderation/audit.js';
import { createLogger } from '../logger.js';
import { createMailer } from '../mail/mailer.js';
import { createInviteService } from '../invites/service.js';

function exitWith(message: string): never {
  console.error(message);
  process.exit(1);
}

async function readPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      if (!process.stdin.isTTY) {
        rl.once('line', resolve);
        rl.once('close', () => resolve(''));
        return;
      }
      process.stdout.write(prompt);
      // Hide what is typed: drop the echo of every character.
      const output = rl as unknown as { _writeToOutput: (s: string) => void };
      output._writeToOutput = () => undefined;
      rl.question('', (answer) => {
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Password (at least 10 characters): ');
  if (process.stdin.isTTY && (await ask('Repeat the password: ')) !== first) exitWith('The passwords do not match.');
  rl.close();
  return first;
}

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, invite: { type: 'boolean', default: false } },
  strict: true,
});
const email = emailSchema.safeParse(values.email ?? '');
if (!email.success) exitWith('Give a valid --email for the admin.');
const name = displayNameSchema.safeParse(values.name ?? 'Organiser');
if (!name.success) exitWith('--name must be 1-60 characters.');

// Not a node of the fair: it needs no NODE_ID of its own (a scaled fair's settings ask every
// node for one) and writes nothing that a node id names.
const loaded = loadConfig({ NODE_ID: 'admin-create', ...process.env });
if (!loaded.ok) exitWith(`Fix these settings first:\n${loaded.problems.join('\n')}`);
const { config } = loaded;
const store = await openStore(config);
const { db } = store;
const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email.data)).limit(1);
if (existing) {
  await store.close();
  exitWith('That email already has an account.');
}

if (values.invite) {
  const auth = createAuthService({ db, clock: { now: Date.now }, sessionTtlMs: config.sessionTtlMs });
  const clock = { now: Date.now };
  // With SMTP_URL the invitation is emailed too; the link is printed either way (so no log copy of it here).
  const mailer = createMailer({ ...config.mail, logger: createLogger('silent') });
  const invites = createInviteService({
    db,
    clock,
    auth,
    publicUrl: () => config.publicUrl,
    inviteTtlMs: config.inviteTtlMs,
    mailer,
    audit: createAuditLog(db, clock),
    logger: createLogger('error'),
  });
  const result = await invites.create(null, { email: email.data, role: 'admin', displayName: name.data });
  mailer.close();
  if (!result.ok) exitWith(result.error.message);
  const { mail } = result.data;
  const emailed = mail.state === 'sent' ? 'emailed' : mail.state === 'failed' ? `not emailed: ${mail.reason ?? 'unknown reason'}` : 'not emailed';
  // No email in the output: it often ends up in a service log (keep less).
  console.log(`Admin invite created (one use, expires ${result.data.expiresAt}; ${emailed}):\n${result.data.link}`);
} else {
  const password = passwordSchema.safeParse(await readPassword());
  if (!password.success) exitWith('The password must be 10-200 characters.');
  const passwordHash = await hashPassword(password.data);
  await writeDurably(db, async () => {
    await db.insert(users).values({ id: crypto.randomUUID(), email: email.data, displayName: name.data, role: 'admin', passwordHash });
  });
  console.log(`Admin account created. Sign in at ${config.publicUrl}`);
}
await store.close();
