/**
 * Text kept per language, as a reader of `language` sees it: theirs, else the first of the
 * fair's languages that has it, else null. No schema library here: the text-mode entry uses it.
 */
export function inLanguage(texts: Partial<Record<string, string>>, language: string, order: readonly string[] = ['en', 'es', 'fr']): string | null {
  const own = texts[language];
  if (own) return own;
  for (const other of order) if (texts[other]) return texts[other];
  return null;
}
