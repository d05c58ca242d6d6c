import { z } from 'zod';
import { FAIR_NAME_MAX_CHARS, FAIR_WELCOME_MAX_CHARS, LANGUAGES } from './limits.js';

/** Text per language; a reader sees theirs, else the first language that has one (`inLanguage`). */
const perLanguage = (maxChars: number) => z.partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(maxChars));

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The fair's own settings, as organisers set them and everyone reads them (`GET /api/fair`). */
export const fairSettingsSchema = z.object({
  name: perLanguage(FAIR_NAME_MAX_CHARS),
  welcome: perLanguage(FAIR_WELCOME_MAX_CHARS),
  /** When the fair opens and closes (ISO 8601 instants), if set. */
  startsAt: z.iso.datetime({ offset: true }).nullable(),
  endsAt: z.iso.datetime({ offset: true }).nullable(),
  /** The fair's time zone (IANA, such as `America/Bogota`): schedules say which zone their times are in. */
  timeZone: z.string().max(64).refine(isTimeZone, 'must be a time zone such as Europe/Paris'),
  /** Where members write to the organisers. */
  contactEmail: z.email().max(254).nullable(),
});
export type FairSettings = z.infer<typeof fairSettingsSchema>;

/** `PUT /api/admin/fair`: the whole settings; the fair must end after it starts. */
export const fairSettingsInputSchema = fairSettingsSchema.strict().refine(
  (fair) => fair.startsAt === null || fair.endsAt === null || Date.parse(fair.endsAt) > Date.parse(fair.startsAt),
  { message: 'the fair must end after it starts', path: ['endsAt'] },
);

/** The settings of a fair nobody has configured yet. */
export const DEFAULT_FAIR_SETTINGS: FairSettings = { name: {}, welcome: {}, startsAt: null, endsAt: null, timeZone: 'UTC', contactEmail: null };
