/**
 * One feature's strings in all three languages. English is the reference: Spanish and French
 * must have exactly its keys (a missing or extra key is a type error; empty strings fail the
 * locale test).
 */
export function defineMessages<const E extends Record<string, string>>(messages: {
  en: E;
  es: { [K in keyof E]: string };
  fr: { [K in keyof E]: string };
}) {
  return messages;
}
