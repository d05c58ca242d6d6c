import type { Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import type { OutgoingEmail } from './mailer.js';

/**
 * The fair's emails, in the recipient's language: plain text and simple HTML with the same
 * words. Each says what the link is for, the link itself, and how long it works.
 */

const FAIR_NAME: Record<Language, string> = {
  en: 'Digital Fair for Collective Action',
  es: 'Feria Digital para la Acción Colectiva',
  fr: 'Foire numérique pour l’action collective',
};

const ROLE_NAMES: Record<Language, Record<Role, string>> = {
  en: { member: 'member', host: 'booth host', moderator: 'moderator', admin: 'organiser' },
  es: { member: 'miembro', host: 'anfitrión/a de stand', moderator: 'moderador/a', admin: 'organizador/a' },
  fr: { member: 'membre', host: 'animateur·rice de stand', moderator: 'modérateur·rice', admin: 'organisateur·rice' },
};

const UNITS: Record<Language, Record<'day' | 'hour' | 'minute', [one: string, other: string]>> = {
  en: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'] },
  es: { day: ['día', 'días'], hour: ['hora', 'horas'], minute: ['minuto', 'minutos'] },
  fr: { day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'] },
};

/** "7 days", "1 hour", "30 minutes": the largest whole unit. */
export function formatDuration(ms: number, language: Language): string {
  const minutes = Math.round(ms / 60_000);
  const [count, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day' as const] : minutes % 60 === 0 ? [minutes / 60, 'hour' as const] : [minutes, 'minute' as const];
  const plural = new Intl.PluralRules(language).select(count) === 'one' ? 0 : 1;
  return `${new Intl.NumberFormat(language).format(count)} ${UNITS[language][unit][plural]}`;
}

/** "8 December 2026 at 11:40 UTC" in the recipient's language (the server does not know their time zone). */
function formatInstant(at: Date, language: Language): string {
  // The alliance writes British English: day before month, a 24-hour clock, as in Spanish and French.
  const locale = language === 'en' ? 'en-GB' : language;
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(at)} UTC`;
}

interface InviteWords {
  subject: string;
  greeting: (name: string | null) => string;
  invited: string;
  role: (role: string, booth: string | null) => string;
  action: string;
  button: string;
  validity: (duration: string, deadline: string) => string;
  ignore: string;
}

const INVITE: Record<Language, InviteWords> = {
  en: {
    subject: 'Your invitation to the Digital Fair',
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    invited: 'You are invited to the alliance’s virtual fair, the Digital Fair for Collective Action.',
    role: (role, booth) => (booth ? `Your role: ${role}, for the booth “${booth}”.` : `Your role: ${role}.`),
    action: 'To accept, open this link and choose your name and password:',
    button: 'Accept the invitation',
    validity: (duration, deadline) => `The link can be used once and works for ${duration} (until ${deadline}).`,
    ignore: 'If you were not expecting this invitation, you can ignore this email.',
  },
  es: {
    subject: 'Tu invitación a la Feria Digital',
    greeting: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
    invited: 'Te invitamos a la feria virtual de la alianza, la Feria Digital para la Acción Colectiva.',
    role: (role, booth) => (booth ? `Tu rol: ${role}, en el stand «${booth}».` : `Tu rol: ${role}.`),
    action: 'Para aceptar, abre este enlace y elige tu nombre y tu contraseña:',
    button: 'Aceptar la invitación',
    validity: (duration, deadline) => `El enlace solo puede usarse una vez y es válido durante ${duration} (hasta el ${deadline}).`,
    ignore: 'Si no esperabas esta invitación, puedes ignorar este correo.',
  },
  fr: {
    subject: 'Votre invitation à la Foire numérique',
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    invited: 'Vous êtes invité·e à la foire virtuelle de l’alliance, la Foire numérique pour l’action collective.',
    role: (role, booth) => (booth ? `Votre rôle : ${role}, pour le stand « ${booth} ».` : `Votre rôle : ${role}.`),
    action: 'Pour accepter, ouvrez ce lien et choisissez votre nom et votre mot de passe :',
    button: 'Accepter l’invitation',
    validity: (duration, deadline) => `Le lien ne peut servir qu’une fois et reste valable ${duration} (jusqu’au ${deadline}).`,
    ignore: 'Si vous n’attendiez pas cette invitation, vous pouvez ignorer ce message.',
  },
};

interface ResetWords {
  subject: string;
  intro: string;
  action: string;
  button: string;
  validity: (duration: string) => string;
  signedOut: string;
  ignore: string;
}

const RESET: Record<Language, ResetWords> = {
  en: {
    subject: 'Reset your Digital Fair password',
    intro: 'Someone, probably you, asked to reset the password of your Digital Fair account.',
    action: 'To choose a new password, open this link:',
    button: 'Choose a new password',
    validity: (duration) => `The link can be used once and works for ${duration}.`,
    signedOut: 'Once you set a new password, every device signed in to your account is signed out.',
    ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
  },
  es: {
    subject: 'Restablece tu contraseña de la Feria Digital',
    intro: 'Alguien, probablemente tú, pidió restablecer la contraseña de tu cuenta de la Feria Digital.',
    action: 'Para elegir una nueva contraseña, abre este enlace:',
    button: 'Elegir una nueva contraseña',
    validity: (duration) => `El enlace solo puede usarse una vez y es válido durante ${duration}.`,
    signedOut: 'Cuando elijas la nueva contraseña, se cerrará la sesión en todos los dispositivos conectados a tu cuenta.',
    ignore: 'Si no lo pediste, ignora este correo: tu contraseña no cambia.',
  },
  fr: {
    subject: 'Réinitialisez votre mot de passe de la Foire numérique',
    intro: 'Quelqu’un, sans doute vous, a demandé à réinitialiser le mot de passe de votre compte de la Foire numérique.',
    action: 'Pour choisir un nouveau mot de passe, ouvrez ce lien :',
    button: 'Choisir un nouveau mot de passe',
    validity: (duration) => `Le lien ne peut servir qu’une fois et reste valable ${duration}.`,
    signedOut: 'Dès que vous aurez choisi un nouveau mot de passe, tous les appareils connectés à votre compte seront déconnectés.',
    ignore: 'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.',
  },
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Paragraphs before the link, the link, paragraphs after it: as text and as HTML. */
function compose(language: Language, to: string, about: OutgoingEmail['about'], subject: string, before: string[], link: { url: string; label: string }, after: string[]): OutgoingEmail {
  const text = [...before, link.url, ...after, `— ${FAIR_NAME[language]}`].join('\n\n') + '\n';
  const paragraphs = (lines: string[]) => lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  const url = escapeHtml(link.url);
  const html = [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em">',
    paragraphs(before),
    `<p><a href="${url}"><strong>${escapeHtml(link.label)}</strong></a></p>`,
    `<p style="word-break: break-all">${url}</p>`,
    paragraphs(after),
    `<p>— ${escapeHtml(FAIR_NAME[language])}</p>`,
    '</body></html>',
  ].join('\n');
  return { to, about, subject, text, html };
}

export interface InviteEmailInput {
  to: string;
  inviteId: number;
  language: Language;
  displayName: string | null;
  role: Role;
  boothName: string | null;
  link: string;
  ttlMs: number;
  expiresAt: Date;
}

export function inviteEmail(input: InviteEmailInput): OutgoingEmail {
  const words = INVITE[input.language];
  return compose(
    input.language,
    input.to,
    { invite: input.inviteId },
    words.subject,
    [words.greeting(input.displayName), words.invited, words.role(ROLE_NAMES[input.language][input.role], input.boothName), words.action],
    { url: input.link, label: words.button },
    [words.validity(formatDuration(input.ttlMs, input.language), formatInstant(input.expiresAt, input.language)), words.ignore],
  );
}

interface NoticeWords {
  subject: string;
  unknownBrowser: string;
  signedIn: (browser: string, when: string) => string;
  ifYou: string;
  ifNot: string;
  button: string;
  sessions: (link: string) => string;
}

const SIGN_IN_NOTICE: Record<Language, NoticeWords> = {
  en: {
    subject: 'New sign-in to your Digital Fair account',
    unknownBrowser: 'a browser we could not identify',
    signedIn: (browser, when) => `Someone just signed in to your account from a browser or network not used with it before: ${browser}, on ${when}.`,
    ifYou: 'If this was you, there is nothing to do.',
    ifNot: 'If it was not you, choose a new password now: this signs out every device.',
    button: 'Choose a new password',
    sessions: (link) => `To see where you are signed in, open your account page: ${link}`,
  },
  es: {
    subject: 'Nuevo inicio de sesión en tu cuenta de la Feria Digital',
    unknownBrowser: 'un navegador que no pudimos identificar',
    signedIn: (browser, when) => `Acaban de iniciar sesión en tu cuenta desde un navegador o una red que no se había usado antes: ${browser}, el ${when}.`,
    ifYou: 'Si fuiste tú, no tienes que hacer nada.',
    ifNot: 'Si no fuiste tú, elige ahora una nueva contraseña: así se cerrará la sesión en todos los dispositivos.',
    button: 'Elegir una nueva contraseña',
    sessions: (link) => `Para ver dónde tienes la sesión iniciada, abre la página de tu cuenta: ${link}`,
  },
  fr: {
    subject: 'Nouvelle connexion à votre compte de la Foire numérique',
    unknownBrowser: 'un navigateur que nous n’avons pas pu identifier',
    signedIn: (browser, when) => `Quelqu’un vient de se connecter à votre compte depuis un navigateur ou un réseau jamais utilisé jusqu’ici : ${browser}, le ${when}.`,
    ifYou: 'Si c’était vous, vous n’avez rien à faire.',
    ifNot: 'Si ce n’était pas vous, choisissez dès maintenant un nouveau mot de passe : tous les appareils seront déconnectés.',
    button: 'Choisir un nouveau mot de passe',
    sessions: (link) => `Pour voir où votre compte est connecté, ouvrez la page de votre compte : ${link}`,
  },
};

/** A sign-in from a browser or network not seen before: what, when, and what to do if it was not them. */
export function signInNoticeEmail(input: {
  to: string;
  userId: string;
  language: Language;
  browser: { browser?: string; system?: string };
  at: Date;
  publicUrl: string;
}): OutgoingEmail {
  const words = SIGN_IN_NOTICE[input.language];
  const { browser, system } = input.browser;
  // Product names read the same in every language; "Chrome (Android)" needs no translation.
  const device = browser && system ? `${browser} (${system})` : (browser ?? system ?? words.unknownBrowser);
  return compose(
    input.language,
    input.to,
    { account: input.userId },
    words.subject,
    [words.signedIn(device, formatInstant(input.at, input.language)), words.ifYou, words.ifNot],
    { url: `${input.publicUrl}/forgot-password`, label: words.button },
    [words.sessions(`${input.publicUrl}/account`)],
  );
}

export function passwordResetEmail(input: { to: string; userId: string; language: Language; link: string; ttlMs: number }): OutgoingEmail {
  const words = RESET[input.language];
  return compose(
    input.language,
    input.to,
    { account: input.userId },
    words.subject,
    [words.intro, words.action],
    { url: input.link, label: words.button },
    [words.validity(formatDuration(input.ttlMs, input.language)), words.signedOut, words.ignore],
  );
}
