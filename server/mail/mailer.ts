import nodemailer from 'nodemailer';
import type { Logger } from '../logger.js';

/** One email, ready to go: the same words as plain text and as simple HTML. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * What the email is about, for the log that stands in for sending (no SMTP_URL): the log
   * names the invite or the account, never the address (no emails in logs, DESIGN.md).
   */
  about: { invite: number } | { account: string };
}

/** What became of an email: taken by the SMTP server, written to the log (no SMTP_URL), or not sent and why. */
export type SendOutcome = { state: 'sent' } | { state: 'logged' } | { state: 'failed'; reason: string };

export interface Mailer {
  /** Whether emails really go out (SMTP_URL is set); without, they are only written to the log. */
  delivers: boolean;
  /** Never rejects: a failure is an outcome, for the caller to record. */
  send(email: OutgoingEmail): Promise<SendOutcome>;
  close(): void;
}

/**
 * How long the SMTP client waits for a connection, the greeting, and any reply; a mail server
 * that stops answering fails the send instead of holding it for Nodemailer's default minutes.
 */
const SMTP_CONNECT_TIMEOUT_MS = 10_000;
const SMTP_REPLY_TIMEOUT_MS = 20_000;
/** Reasons are shown to organisers; an SMTP server's reply can be long. */
const REASON_MAX_CHARS = 300;

/**
 * Sends email through `smtpUrl` with Nodemailer. Without one (the embedded default) nothing is
 * sent: each email is written in full to the log, link included, so the organiser can pass it on.
 */
export function createMailer({ smtpUrl, from, logger }: { smtpUrl: string | null; from: string; logger: Logger }): Mailer {
  if (smtpUrl === null) {
    return {
      delivers: false,
      send(email) {
        // The whole email but the address (logs keep no emails): the organiser passes the link on.
        logger.info({ about: email.about, subject: email.subject, text: email.text }, 'email not sent (no SMTP_URL); here it is');
        return Promise.resolve({ state: 'logged' });
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_CONNECT_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECT_TIMEOUT_MS,
    socketTimeout: SMTP_REPLY_TIMEOUT_MS,
  });
  return {
    delivers: true,
    async send(email) {
      try {
        await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, html: email.html });
        return { state: 'sent' };
      } catch (err) {
        const reason = (err instanceof Error ? err.message : String(err)).slice(0, REASON_MAX_CHARS);
        // The address stays out of the log; the reason (an SMTP reply or a network error) does not name it.
        logger.warn({ code: err instanceof Error && 'code' in err ? err.code : undefined, reason }, 'email not sent');
        return { state: 'failed', reason };
      }
    },
    close() {
      transport.close();
    },
  };
}
