import { z } from 'zod';

/** Longest comment a member may leave with a booth rating. */
export const BOOTH_FEEDBACK_COMMENT_MAX_CHARS = 1000;
/** The scale of a booth rating: 1 (poor) to 5 (excellent). */
export const BOOTH_RATINGS = [1, 2, 3, 4, 5] as const;

/** `POST /api/booths/:slug/feedback`: once per booth and person, by someone who visited it. */
export const boothFeedbackInputSchema = z.strictObject({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(BOOTH_FEEDBACK_COMMENT_MAX_CHARS).optional(),
});
export type BoothFeedbackInput = z.infer<typeof boothFeedbackInputSchema>;

/** One booth's ratings: never a name, never a user id. */
export interface BoothRatings {
  count: number;
  /** The mean rating, to one decimal; null while nobody has rated. */
  average: number | null;
  /** How many gave 1, 2, 3, 4 and 5 (index 0 is the number of 1s). */
  distribution: [number, number, number, number, number];
}

/** `GET /api/booths/:slug/feedback` (the booth's hosts and organisers). */
export interface BoothFeedbackView extends BoothRatings {
  boothId: number;
  /** Comments without names, newest first. */
  comments: { rating: number; comment: string; createdAt: string }[];
}

/** `GET /api/admin/feedback`: every booth side by side. */
export interface FeedbackOverview {
  booths: (BoothRatings & { boothId: number; slug: string; name: string })[];
}

/** `GET /api/accountability/report` (organisers), for the annual accountability report. */
export interface AccountabilityReport {
  generatedAt: string;
  complaints: {
    total: number;
    /** Complaints per category, as filed. */
    byCategory: Record<string, number>;
    /** Median seconds from filing to the first step past "received"; null when none was acknowledged. */
    medianSecondsToAcknowledge: number | null;
    /** Median seconds from filing to resolved or declined; null when none was closed. */
    medianSecondsToResolve: number | null;
  };
  /** The latest survey that was opened (the NPS question, 0–10); null when there is none. */
  survey: { surveyId: number; responses: number; promoters: number; passives: number; detractors: number; nps: number | null } | null;
  boothRatings: FeedbackOverview['booths'];
}
