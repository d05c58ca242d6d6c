import type { BoothTranslations } from './booths.js';

/**
 * The name and description a reader of `language` sees: theirs where the booth has it, else the
 * booth's own (in its first language). A module of its own, with no schema library: the
 * text-mode entry uses it and must stay small.
 */
export function boothText(booth: { name: string; description: string; translations?: BoothTranslations }, language: string): { name: string; description: string } {
  return booth.translations?.[language as keyof BoothTranslations] ?? { name: booth.name, description: booth.description };
}
