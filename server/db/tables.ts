/**
 * The tables the services query, for the dialect this process runs on: SQLite (`schema.ts`,
 * the embedded default) or PostgreSQL (`schema-pg.ts`, the scaled mode). Services import
 * tables from here, never from a schema file, and build their queries when they are created,
 * after `openStore` has chosen the dialect; so one code base serves both.
 *
 * The two schemas define the same tables, columns and indexes (`schema-parity.test.ts`), so a
 * query built from either runs the same way; they are typed as the SQLite ones.
 */
import * as sqlite from './schema.js';
import * as postgres from './schema-pg.js';

export type Dialect = 'sqlite' | 'postgres';

let current: Dialect = 'sqlite';

export let users = sqlite.users;
export let sessions = sqlite.sessions;
export let passkeys = sqlite.passkeys;
export let authChallenges = sqlite.authChallenges;
export let booths = sqlite.booths;
export let boothHosts = sqlite.boothHosts;
export let invites = sqlite.invites;
export let passwordResets = sqlite.passwordResets;
export let messages = sqlite.messages;
export let boothSessions = sqlite.boothSessions;
export let restrictions = sqlite.restrictions;
export let reports = sqlite.reports;
export let auditLog = sqlite.auditLog;
export let privateAliases = sqlite.privateAliases;
export let boothVisits = sqlite.boothVisits;
export let fairSettings = sqlite.fairSettings;
export let conductVersions = sqlite.conductVersions;
export let inboxNotices = sqlite.inboxNotices;
export let inboxReads = sqlite.inboxReads;
export let complaints = sqlite.complaints;
export let complaintSteps = sqlite.complaintSteps;
export let capabilityGrants = sqlite.capabilityGrants;
export let boothFeedback = sqlite.boothFeedback;
export let surveys = sqlite.surveys;
export let surveyResponses = sqlite.surveyResponses;
export let responses = sqlite.responses;
export let contactRequests = sqlite.contactRequests;
export let conversations = sqlite.conversations;
export let conversationMessages = sqlite.conversationMessages;
export let conversationReports = sqlite.conversationReports;
export let boothQuestions = sqlite.boothQuestions;
export let questionVotes = sqlite.questionVotes;
export let boothQueue = sqlite.boothQueue;

/** Which database this process runs on. */
export function dialect(): Dialect {
  return current;
}

/**
 * Chooses the dialect, once, before any service is created (`openStore` calls it). A process
 * runs one mode: switching after services built their queries would leave them on the other.
 */
export function useDialect(next: Dialect): void {
  if (next === current) return;
  current = next;
  const chosen = (next === 'postgres' ? postgres : sqlite) as unknown as typeof sqlite;
  users = chosen.users;
  sessions = chosen.sessions;
  passkeys = chosen.passkeys;
  authChallenges = chosen.authChallenges;
  booths = chosen.booths;
  boothHosts = chosen.boothHosts;
  invites = chosen.invites;
  passwordResets = chosen.passwordResets;
  messages = chosen.messages;
  boothSessions = chosen.boothSessions;
  restrictions = chosen.restrictions;
  reports = chosen.reports;
  auditLog = chosen.auditLog;
  privateAliases = chosen.privateAliases;
  boothVisits = chosen.boothVisits;
  fairSettings = chosen.fairSettings;
  conductVersions = chosen.conductVersions;
  inboxNotices = chosen.inboxNotices;
  inboxReads = chosen.inboxReads;
  complaints = chosen.complaints;
  complaintSteps = chosen.complaintSteps;
  capabilityGrants = chosen.capabilityGrants;
  boothFeedback = chosen.boothFeedback;
  surveys = chosen.surveys;
  surveyResponses = chosen.surveyResponses;
  responses = chosen.responses;
  contactRequests = chosen.contactRequests;
  conversations = chosen.conversations;
  conversationMessages = chosen.conversationMessages;
  conversationReports = chosen.conversationReports;
  boothQuestions = chosen.boothQuestions;
  questionVotes = chosen.questionVotes;
  boothQueue = chosen.boothQueue;
}
