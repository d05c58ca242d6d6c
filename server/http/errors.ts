import type { ErrorRequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import type { ApiError, ErrorCode, ErrorDetails, Failure, Result } from '../../shared/errors.js';
import { isStorageError, STORAGE_RETRY_AFTER_MS, storageErrorCode } from '../db/storage-errors.js';
import type { Logger } from '../logger.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  RATE_LIMITED: 429,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_PAYLOAD: 400,
  CONFLICT: 409,
  INVITE_INVALID: 410,
  RESET_INVALID: 410,
  CONDUCT_NOT_ACCEPTED: 403,
  BOOTH_FULL: 409,
  BOOTH_CLOSED: 409,
  NOT_IN_BOOTH: 403,
  MUTED: 403,
  BANNED: 403,
  VIDEO_UNAVAILABLE: 503,
  UPSTREAM_UNAVAILABLE: 502,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  PASSKEY_REQUIRED: 403,
  REAUTH_REQUIRED: 403,
  SERVER_BUSY: 503,
  CLIENT_OUTDATED: 426,
};

/** Services carry expected failures as values to the edge; the one result type lives in shared/. */
export type { Failure, Result } from '../../shared/errors.js';

export function ok<T>(data: T): { ok: true; data: T } {
  return { ok: true, data };
}

export function fail(code: ErrorCode, message: string, details?: ErrorDetails): Failure {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** Turns a zod error into INVALID_PAYLOAD naming the first field at fault. */
export function invalidPayload(error: ZodError): Failure {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const message = issue ? `${field || 'payload'}: ${issue.message}` : 'invalid payload';
  return fail('INVALID_PAYLOAD', message, field ? { field } : undefined);
}

/** Storage failed for a moment (locked, full, failing disk): nothing was stored; the client retries. */
export function unavailable(): Failure {
  return fail('UNAVAILABLE', 'Saving is paused for a moment; please try again shortly.', { retryAfterMs: STORAGE_RETRY_AFTER_MS });
}

export function sendError(res: Response, error: ApiError): void {
  const retryAfterMs = error.details?.retryAfterMs;
  if (error.details?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.details.retryAfterSeconds));
  else if (retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  res.status(STATUS_BY_CODE[error.code]).json({ error });
}

export function sendResult<T>(res: Response, result: Result<T>, status = 200): void {
  if (result.ok) res.status(status).json(result.data);
  else sendError(res, result.error);
}

/**
 * Last resort: body-parser errors become clear codes, storage failures 503 UNAVAILABLE with
 * Retry-After; anything unexpected is logged, never shown.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
    if (type === 'entity.too.large') return sendError(res, { code: 'PAYLOAD_TOO_LARGE', message: 'request body is too large' });
    if (status === 400 || type === 'entity.parse.failed') {
      return sendError(res, { code: 'INVALID_PAYLOAD', message: 'request body is not valid JSON' });
    }
    if (status === 415) return sendError(res, { code: 'INVALID_PAYLOAD', message: 'unsupported content type' });
    if (isStorageError(err)) {
      logger.warn({ err, sqlite: storageErrorCode(err) }, 'storage unavailable');
      return sendError(res, unavailable().error);
    }
    logger.error({ err }, 'unhandled request error');
    sendError(res, { code: 'INTERNAL', message: 'something went wrong on our side; please try again' });
  };
}
