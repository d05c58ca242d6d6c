/**
 * What stands in for LiveKit in tests, since no LiveKit server can run on our build machines:
 * a small HTTP server speaking RoomService's Twirp JSON endpoints that records every call,
 * and a webhook signer that signs bodies exactly the way LiveKit does.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TEST_LIVEKIT_KEY = 'APItestkey';
export const TEST_LIVEKIT_SECRET = 'test-secret-with-at-least-32-characters!';

export interface TwirpCall {
  /** e.g. "UpdateParticipant" */
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface TwirpStandIn {
  /** ws:// address to use as LIVEKIT_URL (RoomService is derived from it: ws → http). */
  url: string;
  calls: TwirpCall[];
  /** Answers the next calls with Twirp's "participant not found" (someone not in the room). */
  answerNotFound(on: boolean): void;
  env: { LIVEKIT_URL: string; LIVEKIT_API_KEY: string; LIVEKIT_API_SECRET: string };
  close(): Promise<void>;
}

const TWIRP_PREFIX = '/twirp/livekit.RoomService/';

export async function startTwirpStandIn(): Promise<TwirpStandIn> {
  const calls: TwirpCall[] = [];
  let notFound = false;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !req.url?.startsWith(TWIRP_PREFIX)) {
        res.statusCode = 404;
        res.end(JSON.stringify({ code: 'bad_route', msg: 'no such route' }));
        return;
      }
      calls.push({
        method: req.url.slice(TWIRP_PREFIX.length),
        path: req.url,
        authorization: req.headers.authorization,
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      if (notFound) {
        res.statusCode = 404;
        res.end(JSON.stringify({ code: 'not_found', msg: 'participant not found' }));
        return;
      }
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}`;
  return {
    url,
    calls,
    answerNotFound(on) {
      notFound = on;
    },
    env: { LIVEKIT_URL: url, LIVEKIT_API_KEY: TEST_LIVEKIT_KEY, LIVEKIT_API_SECRET: TEST_LIVEKIT_SECRET },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port with nobody listening: LiveKit "unreachable". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** The base64 SHA-256 of a body, as LiveKit puts it in the webhook token's `sha256` claim. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body).digest('base64');
}

/**
 * Signs a webhook the way LiveKit does: an HS256 JWT issued by the API key, carrying the
 * body's hash, sent as the raw Authorization header (no "Bearer").
 */
export function signWebhook(body: string, options: { key?: string; secret?: string; expiresInSeconds?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const expiresIn = options.expiresInSeconds ?? 300;
  const claims = { iss: options.key ?? TEST_LIVEKIT_KEY, nbf: Math.min(now, now + expiresIn) - 60, exp: now + expiresIn, sha256: bodySha256(body) };
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', options.secret ?? TEST_LIVEKIT_SECRET).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
