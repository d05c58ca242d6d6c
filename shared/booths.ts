import { z } from 'zod';
import { LANGUAGES } from './limits.js';

export const BOOTH_STATUSES = ['open', 'closed'] as const;
export type BoothStatus = (typeof BOOTH_STATUSES)[number];

/** A booth as `GET /api/booths` and the realtime protocol send it. */
export const boothSchema = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  network: z.string(),
  description: z.string(),
  languages: z.array(z.enum(LANGUAGES)),
  tags: z.array(z.string()),
  capacity: z.number().int(),
  status: z.enum(BOOTH_STATUSES),
  /** Members present now, counted once per person. */
  occupancy: z.number().int(),
  /** Whether this fair has video (LiveKit configured); false means text only. */
  video: z.boolean(),
  /** People connected to the booth's video room now (0 when video is off). */
  videoParticipants: z.number().int(),
});
export type Booth = z.infer<typeof boothSchema>;

/** A booth slug: lower-case words joined by hyphens. */
export const boothSlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and hyphens');
