import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One email as it reached the SMTP server, decoded: who it was for, its subject, its text and HTML. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every link in the text part. */
  links: string[];
}

export interface TestMailServer {
  /** For SMTP_URL (no TLS, no authentication: a server on 127.0.0.1 for this test only). */
  url: string;
  /** The fair's settings for sending through this server. */
  env: { SMTP_URL: string; MAIL_FROM: string };
  received: ReceivedMail[];
  /** The first email for `to` (after `after` emails for anyone) matching `match`, waiting up to `timeoutMs`. */
  waitFor(to: string, options?: { match?: (mail: ReceivedMail) => boolean; timeoutMs?: number }): Promise<ReceivedMail>;
  /** Emails for `to` so far. */
  to(to: string): ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1, port 0, that keeps every message.
 * `refuse`: it answers every recipient with a permanent failure, as a mail server that will not
 * relay does.
 */
export async function startMailServer(options: { refuse?: boolean } = {}): Promise<TestMailServer> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (options.refuse) return callback(Object.assign(new Error('5.7.1 Relaying denied'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(readMessage(Buffer.concat(chunks).toString('latin1'), session.envelope.rcptTo.map((r) => r.address.toLowerCase())));
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const url = `smtp://127.0.0.1:${port}`;
  const to = (address: string) => received.filter((mail) => mail.to.includes(address.toLowerCase()));
  return {
    url,
    env: { SMTP_URL: url, MAIL_FROM: 'Digital Fair <fair@example.org>' },
    received,
    to,
    waitFor(address, { match = () => true, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const found = to(address).find(match);
          if (!found) return false;
          waiters.delete(look);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no email for ${address} within ${timeoutMs} ms (${received.length} received in all)`));
        }, timeoutMs);
        if (!look()) waiters.add(look);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Reads the message Nodemailer builds (headers, then a multipart/alternative of text and HTML,
 * quoted-printable or base64). Test-only: the project has no MIME parser dependency, and this
 * reads nothing but what our own mailer sends.
 */
function readMessage(raw: string, to: string[]): ReceivedMail {
  const { headers, body } = splitPart(raw);
  const parts: { type: string; content: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const sections = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const section of sections) {
    const part = splitPart(section.replace(/^\r?\n/, ''));
    parts.push({ type: (part.headers['content-type'] ?? 'text/plain').split(';')[0]!.trim(), content: decodeBody(part.body, part.headers['content-transfer-encoding']) });
  }
  const text = parts.find((p) => p.type === 'text/plain')?.content ?? '';
  return {
    to,
    subject: decodeWords(headers.subject ?? ''),
    text,
    html: parts.find((p) => p.type === 'text/html')?.content ?? '',
    links: [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]),
  };
}

function splitPart(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: raw.slice(end).replace(/^\r?\n\r?\n/, '') };
}

/** The raw body was read as latin1 (one char per byte): back to bytes, then UTF-8. */
function decodeBody(body: string, encoding = '7bit'): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return Buffer.from(body, 'latin1').toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) in a header. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}
