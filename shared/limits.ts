/** Limits shared by server and client; every name carries its unit. */
export const CHAT_BODY_MAX_CHARS = 2000;
export const DISPLAY_NAME_MAX_CHARS = 60;
export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 200;
export const EMAIL_MAX_CHARS = 254;
export const BOOTH_DESCRIPTION_MAX_CHARS = 600;
export const BOOTH_TAGS_MAX = 12;
export const BOOTH_CAPACITY_MAX = 10_000;
export const ROSTER_MAX_ROWS = 5_000;
export const ROSTER_MAX_BYTES = 1_000_000;
export const LANGUAGES = ['en', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Messages in a booth:join ack and the default history page. */
export const CHAT_HISTORY_PAGE = 50;
export const CHAT_HISTORY_MAX_PAGE = 100;
/** History page size in data saver mode. */
export const CHAT_HISTORY_SAVER_PAGE = 20;
/** How long a dropped connection stays present before presence:left. */
export const PRESENCE_GRACE_MS = 15_000;
/** Lobby occupancy updates are coalesced to at most one per this interval. */
export const LOBBY_OCCUPANCY_INTERVAL_MS = 1_000;
/** Chat rate limit: at most this many messages per user in the window. */
export const CHAT_RATE_MAX_MESSAGES = 8;
export const CHAT_RATE_WINDOW_MS = 10_000;
