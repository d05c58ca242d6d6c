/** Limits shared by server and client; every name carries its unit. */
export const CHAT_BODY_MAX_CHARS = 2000;
export const DISPLAY_NAME_MAX_CHARS = 60;
/** The longest member organisation name (issue 16). */
export const ORGANISATION_MAX_CHARS = 120;
export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 200;
export const EMAIL_MAX_CHARS = 254;
export const BOOTH_DESCRIPTION_MAX_CHARS = 600;
export const BOOTH_TAGS_MAX = 12;
export const BOOTH_CAPACITY_MAX = 10_000;
export const BOOTH_NAME_MAX_CHARS = 120;
/** The fair's name and welcome text, per language (shared/fair.ts). */
export const FAIR_NAME_MAX_CHARS = 120;
export const FAIR_WELCOME_MAX_CHARS = 2_000;
/** The code of conduct, per language: long enough for a real one, short enough to read. */
export const CONDUCT_TEXT_MAX_CHARS = 12_000;
/** Longest free-text answer to a survey question, in characters. */
export const SURVEY_ANSWER_MAX_CHARS = 2_000;
/** "You said, we did": longest title and text, per language, in characters. */
export const RESPONSE_TITLE_MAX_CHARS = 200;
export const RESPONSE_BODY_MAX_CHARS = 5_000;
export const ROSTER_MAX_ROWS = 5_000;
export const ROSTER_MAX_BYTES = 1_000_000;
export const LANGUAGES = ['en', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Messages in a booth:join ack and the default history page. */
export const CHAT_HISTORY_PAGE = 50;
export const CHAT_HISTORY_MAX_PAGE = 100;
/** History page size in data saver mode. */
export const CHAT_HISTORY_SAVER_PAGE = 20;
/** How long a dropped connection stays present before it is announced as gone (`left` in presence:changed). */
export const PRESENCE_GRACE_MS = 15_000;
/**
 * Scaled mode: a node not heard from in Redis for this long is taken for dead, and its members
 * go to the grace period (so a killed node's members are gone after this plus the grace period).
 */
export const PRESENCE_NODE_TIMEOUT_MS = 10_000;
/** Lobby occupancy updates are coalesced to at most one per this interval. */
export const LOBBY_OCCUPANCY_INTERVAL_MS = 1_000;
/**
 * ... or this many milliseconds per person in the lobby, if longer: each update goes to everyone
 * there, so a busy lobby hears the counts less often (1,000 people: every 4 s). A card that says
 * 212 here instead of 215 for a few seconds costs nobody anything; a frame a second to every
 * one of them costs the server and their data plans.
 */
export const LOBBY_OCCUPANCY_MS_PER_PERSON = 4;
/** New connections still in the lobby this long after connecting get its full counts, in one broadcast. */
export const LOBBY_SNAPSHOT_DELAY_MS = 250;
/** Chat rate limit: at most this many messages per user, fair-wide, in a window that starts at their first message. */
export const CHAT_RATE_MAX_MESSAGES = 8;
export const CHAT_RATE_WINDOW_MS = 10_000;
/** How long a kicked person stays out of the booth they were removed from. */
export const KICK_COOLDOWN_MS = 10 * 60_000;
/** How long a member stays in a booth before leaving it asks them, once, to rate it. */
export const BOOTH_FEEDBACK_MIN_STAY_MS = 120_000;
/** Longest mute or timed ban one action may set (30 days); a ban without minutes lasts until lifted. */
export const RESTRICTION_MAX_MINUTES = 30 * 24 * 60;
export const MODERATION_REASON_MAX_CHARS = 500;
export const ANNOUNCEMENT_MAX_CHARS = 1000;
/** Slow mode: at most one message per this many seconds per person (0 = off). */
export const SLOW_MODE_MAX_SECONDS = 3600;
export const BOOTH_LINKS_MAX = 10;
export const BOOTH_LINK_TITLE_MAX_CHARS = 120;
export const URL_MAX_CHARS = 2000;
export const BOOTH_TAG_MAX_CHARS = 40;
export const SCHEDULE_TITLE_MAX_CHARS = 160;
export const SCHEDULE_MAX_SESSIONS = 50;
/** Rows per page of the audit log. */
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** Why a member reports a message: the headings of the fair's code of conduct. */
export const REPORT_REASONS = ['harassment', 'hate', 'threats', 'privacy', 'spam', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/**
 * Command budget (DESIGN.md, security rules): every socket, and every account across its
 * sockets, may spend this many points per window; each command costs points by the work it
 * does (server/realtime/command-budget.ts has the table). Over budget: RATE_LIMITED with the wait.
 */
export const COMMAND_BUDGET_WINDOW_SECONDS = 10;
export const COMMAND_BUDGET_SOCKET_POINTS = 120;
export const COMMAND_BUDGET_ACCOUNT_POINTS = 240;
/** Refused commands within one budget window after which the socket is disconnected. */
export const COMMAND_REFUSALS_BEFORE_DISCONNECT = 50;
/** After such a disconnect, the account's new connections are refused for this long. */
export const ABUSE_RECONNECT_COOLDOWN_MS = 10_000;
/** Open sockets one account may hold (tabs and devices). */
export const SOCKETS_PER_ACCOUNT_MAX = 10;
/** Open sockets one network address may hold: higher, since many members share a NAT. */
export const SOCKETS_PER_ADDRESS_MAX = 50;
/** A socket whose unsent output passes this is disconnected (a client that stopped reading). */
export const SOCKET_SEND_BUFFER_MAX_BYTES = 1024 * 1024;
/**
 * How often the server looks at each socket's unsent output: every connection once in this
 * time, a slice of them at a time (SOCKET_BUFFER_CHECK_SLICES), so that no single look at
 * thousands of connections holds up the chat. A client asking for a lot is also looked at
 * before each answer it gets, so this only bounds what broadcasts can queue for it meanwhile.
 */
export const SOCKET_BUFFER_CHECK_MS = 1_000;
export const SOCKET_BUFFER_CHECK_SLICES = 10;
/** The `booth:join` ack lists every staff member present and at most this many others. */
export const PRESENCE_SNAPSHOT_OTHERS_MAX = 50;
/** Presence changes in a booth go out at most once per this interval, as one `presence:changed` frame. */
export const PRESENCE_BATCH_MS = 500;
/**
 * ... and, in a big booth, at most once per this many milliseconds per person present (a booth
 * of 2,000 hears every 2 s). Each frame goes to everyone there, so with a fixed interval a
 * booth filling for twice as long with twice the people would cost four times the frames:
 * scaling the interval with the room keeps arrival linear. (The lobby: LOBBY_OCCUPANCY_MS_PER_PERSON.)
 */
export const PRESENCE_BATCH_MS_PER_PERSON = 1;
/**
 * A booth with at least this many people (that members may see) is crowded: members' lists are
 * full by then (a snapshot of 50, or the arrivals named while it filled), so their frames
 * carry departures and the count, not new names, and go out at most every
 * PRESENCE_CROWD_BATCH_MS. Staff frames still name everyone.
 */
export const PRESENCE_CROWD_MIN = PRESENCE_SNAPSHOT_OTHERS_MAX + 10;
export const PRESENCE_CROWD_BATCH_MS = 2_000;
/**
 * ... or this many milliseconds per person present, if longer (up to PRESENCE_CROWD_BATCH_MAX_MS):
 * a crowded booth then costs about 100 frames a second however big it is (450 people hear the
 * count every 4.5 s). A number that big changes every frame anyway.
 */
export const PRESENCE_CROWD_MS_PER_PERSON = 10;
export const PRESENCE_CROWD_BATCH_MAX_MS = 10_000;
/**
 * In a crowded booth, a members' frame that would only change the count (nobody named arrived
 * or left) goes out at most this often: while the doors open, everyone hears the count about
 * once instead of every few seconds (each frame goes to hundreds of people).
 */
export const PRESENCE_CROWD_COUNT_MS = 10_000;
/**
 * A members' `presence:changed` frame names at most this many arrivals (its `total` counts them
 * all; `presence:list` pages through everyone). Clients list about 50 people, so more would be
 * bytes nobody shows, sent to everyone in the booth: the cap keeps a filling booth O(n) in bytes.
 */
export const PRESENCE_FRAME_JOINED_MAX = 20;
/** People per `presence:list` page. */
export const PRESENCE_LIST_PAGE = 100;
/** The raised-hand queue goes to a booth's staff at most once per this interval (latest state). */
export const HAND_QUEUE_BATCH_MS = 250;
/** The queue at a full booth (issue 16): how long the first in line has to take a freed seat. */
export const QUEUE_OFFER_MS = 60_000;
/** How long a place in a queue is kept after the member's last connection drops (QUEUE_HOLD_MS overrides it). */
export const QUEUE_HOLD_MS = 120_000;
/** The wait estimate counts stays in the booth that ended within this long. */
export const QUEUE_STAY_WINDOW_MS = 60 * 60_000;
/** The stay assumed when nobody has left the booth within QUEUE_STAY_WINDOW_MS. */
export const QUEUE_DEFAULT_STAY_MS = 10 * 60_000;
/** Every node looks for expired offers and holds this often (the database row is the truth). */
export const QUEUE_SWEEP_MS = 5_000;
/** A member who lets this many offers pass leaves the queue (after the first, they go back behind the next person). */
export const QUEUE_MAX_MISSED_OFFERS = 2;
