import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../../shared/protocol.js';
import { mergeMessages } from './booth-slice.js';

const message = (seq: number, body = `m${seq}`): ChatMessage => ({
  id: seq,
  boothId: 1,
  seq,
  clientMsgId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  author: { id: 'u', displayName: 'U', role: 'member' },
  body,
  createdAt: new Date(0).toISOString(),
});

describe('mergeMessages', () => {
  it('keeps each sequence number once, in order, whatever order pages and broadcasts arrive in', () => {
    const held = [message(1), message(2), message(5)];
    const merged = mergeMessages(held, [message(4), message(3), message(5), message(2)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('appends a newer message without reordering', () => {
    expect(mergeMessages([message(1)], [message(2)]).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('drops a broadcast that repeats a message already held (ack and broadcast both arrive)', () => {
    expect(mergeMessages([message(1), message(2)], [message(2)])).toHaveLength(2);
  });
});
