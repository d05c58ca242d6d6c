/**
 * Adds messages keeping sequence order and one copy per sequence number (a later copy replaces
 * an earlier one: a removal arrives as the same message without its body). Booth chat and
 * 1:1 conversations hold their messages this way.
 */
export function mergeBySeq<M extends { seq: number }>(existing: M[], incoming: M[]): M[] {
  if (incoming.length === 0) return existing;
  const last = existing[existing.length - 1];
  if (incoming.length === 1 && (!last || incoming[0]!.seq > last.seq)) return [...existing, incoming[0]!];
  const bySeq = new Map(existing.map((message) => [message.seq, message]));
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
