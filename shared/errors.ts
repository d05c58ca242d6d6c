/**
 * The closed list of error codes that the HTTP API and every realtime ack may answer with.
 * Clients switch on these; never add a code without documenting it in docs/PROTOCOL.md.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  RATE_LIMITED: 'RATE_LIMITED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  CONFLICT: 'CONFLICT',
  INVITE_INVALID: 'INVITE_INVALID',
  /** A password-reset link that has expired or was already used: ask for a new one. */
  RESET_INVALID: 'RESET_INVALID',
  /** The person has not accepted the code of conduct's current version (`details.version`): `GET /api/conduct`, then `POST /api/conduct/accept`. */
  CONDUCT_NOT_ACCEPTED: 'CONDUCT_NOT_ACCEPTED',
  BOOTH_FULL: 'BOOTH_FULL',
  BOOTH_CLOSED: 'BOOTH_CLOSED',
  NOT_IN_BOOTH: 'NOT_IN_BOOTH',
  MUTED: 'MUTED',
  BANNED: 'BANNED',
  VIDEO_UNAVAILABLE: 'VIDEO_UNAVAILABLE',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Storage is failing for a moment (locked, full disk): nothing was stored; retry after `details.retryAfterMs`. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  /** Staff who have a passkey must sign in with it (PASSKEYS_REQUIRED_FOR_STAFF). */
  PASSKEY_REQUIRED: 'PASSKEY_REQUIRED',
  /** A sensitive change needs a fresh proof of identity: POST /api/auth/reauth, then retry. */
  REAUTH_REQUIRED: 'REAUTH_REQUIRED',
  /** The server is admitting too many connections at once: try again after `details.retryAfterMs`, with jitter. */
  SERVER_BUSY: 'SERVER_BUSY',
  /** The client speaks an older protocol (`auth.protocol` in the handshake): reload into the new build. */
  CLIENT_OUTDATED: 'CLIENT_OUTDATED',
} as const;

/** One of the closed list of error codes. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The error body of every failed HTTP response and every failed ack. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Optional structured context: the field at fault, seconds to wait, when a restriction ends. */
  details?: ErrorDetails;
}

/** Structured context a client may use to explain an error in the member's language. */
export interface ErrorDetails {
  /** Dotted path of the field at fault, for INVALID_PAYLOAD. */
  field?: string;
  /** Per-line problems of a CSV import. */
  lines?: { line: number; field: string; message: string }[];
  /** Seconds to wait before trying again, for RATE_LIMITED. */
  retryAfterSeconds?: number;
  /** ISO time a restriction ends (mute, kick cool-down, ban); absent means until lifted. */
  until?: string | null;
  /** For CONFLICT on a complaint: the status it has now. */
  status?: string;
  /** For BOOTH_CLOSED: the booth is open but locked (no new entrants). */
  locked?: boolean;
  /** Milliseconds to wait before retrying, for UNAVAILABLE and SERVER_BUSY (nothing was stored; the same request may be sent again). */
  retryAfterMs?: number;
  /** For CONDUCT_NOT_ACCEPTED, and CONFLICT on accepting an old one: the code of conduct's current version. */
  version?: number;
  /** For INVALID_PAYLOAD: why (on a display name, a DisplayNameRefusal, shared/display-name.ts; on an invitation's booth, boothUnknown or boothNotHost). */
  reason?: string;
  /** For CONFLICT on `queue:join`: the booth whose queue the member is already in (`reason: 'otherQueue'`). */
  boothId?: number;
  /** For CONFLICT on `contact:request`: the member's open request to that booth. */
  requestId?: number;
  /** For CONFLICT on `contact:answer`: the display name of the staff member who answered first. */
  answeredBy?: string;
}

/** Every code, for tests and documentation. */
export const ALL_ERROR_CODES = Object.values(ERROR_CODES);

/** True when a value is one of the closed list of codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ALL_ERROR_CODES as readonly string[]).includes(value);
}

/** An expected failure: the `error` half of every result. */
export type Failure = { ok: false; error: ApiError };
/** The one result type of every REST response body and every realtime ack. */
export type Result<T> = { ok: true; data: T } | Failure;
