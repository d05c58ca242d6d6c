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
