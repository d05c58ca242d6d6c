import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { Router, type RequestHandler } from 'express';
import type { ApiError } from '../../shared/errors.js';
import { sendError } from '../http/errors.js';
import type { FairServer } from '../realtime/types.js';
import type { HealthMonitor, HealthReport } from './health.js';
import type { Metrics } from './metrics.js';

/** What a node that cannot serve says to newcomers; nginx passes them to another node. */
function drainingError(health: HealthMonitor): ApiError {
  return {
    code: 'UNAVAILABLE',
    message: 'This server cannot take new requests just now; please try again shortly.',
    details: { retryAfterMs: health.retryAfterSeconds * 1000 },
  };
}

/** Whether an `Authorization` header carries exactly this bearer token (constant time in the token). */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer +(\S+)$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  // Digests have one length, so timingSafeEqual neither throws nor leaks the token's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

const healthStatus = (report: HealthReport) => (report.ok ? 200 : 503);

/**
 * `GET /healthz` for anyone (a fresh check, never a cached one), and `GET /metrics` for a
 * scraper holding METRICS_TOKEN: without a configured token there is nothing to find (404),
 * with one a missing or wrong token is 401.
 */
export function opsRoutes(health: HealthMonitor, metrics: Metrics | null, metricsToken: string | null): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const report = await health.check();
    res.setHeader('Cache-Control', 'no-store');
    if (!report.ok) res.setHeader('Retry-After', String(health.retryAfterSeconds));
    res.status(healthStatus(report)).json(report);
  });
  router.get('/metrics', async (req, res) => {
    if (!metrics || metricsToken === null) return sendError(res, { code: 'NOT_FOUND', message: 'Not found.' });
    if (!bearerTokenMatches(req.headers.authorization, metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, { code: 'UNAUTHENTICATED', message: 'A bearer token is needed.' });
    }
    const body = await metrics.scrape();
    res.setHeader('Cache-Control', 'no-store');
    res.type(metrics.contentType).send(body);
  });
  return router;
}

/** Mounted on /api: while the node is unhealthy, 503 UNAVAILABLE with Retry-After. */
export function refuseWhileUnhealthy(health: HealthMonitor): RequestHandler {
  return (_req, res, next) => {
    if (health.healthy()) return next();
    sendError(res, drainingError(health));
  };
}

/**
 * While the node is unhealthy, new Socket.IO handshakes get 503 with Retry-After (polling) or
 * a 503 status line before the connection closes (WebSocket upgrade). Requests of sessions
 * open on this node go on: their members are served by the connection they have. A request
 * for a session this node does not hold is refused the same way, not answered 400: nginx's
 * hash sends a session's requests here first, and on a 503 it moves on to the node that
 * took the handshake.
 */
export function refuseHandshakesWhileUnhealthy(io: FairServer, health: HealthMonitor): void {
  // engine.io's open sessions by id (protected in its types; read, never changed).
  const engine = io.engine as unknown as { clients: Record<string, unknown> };
  io.engine.use((req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    if (health.healthy()) return next();
    const sid = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sid');
    if (sid !== null && Object.hasOwn(engine.clients, sid)) return next();
    const retryAfter = String(health.retryAfterSeconds);
    if (res instanceof ServerResponse) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': retryAfter, 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ error: drainingError(health) }));
    } else {
      // An upgrade: engine.io's stand-in response cannot send a status, so write it on the socket.
      req.socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${retryAfter}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
  });
}

/**
 * The internal port (METRICS_PORT): `/metrics` and `/healthz` with no token, for a scraper
 * on this host or a private network. The caller listens.
 */
export function createMetricsServer(health: HealthMonitor, metrics: Metrics): HttpServer {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const respond = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      } else if (path === '/metrics') {
        const body = await metrics.scrape();
        res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(body);
      } else if (path === '/healthz') {
        const report = await health.check();
        res.writeHead(healthStatus(report), { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(report));
      } else {
        res.writeHead(404).end();
      }
    };
    respond().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
}
