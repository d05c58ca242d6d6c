import { describe, expect, it } from 'vitest';
import { linkedMessageId, messageAnchor } from './message-anchor.js';

describe('message anchors', () => {
  it('reads back the message id a link was made for', () => {
    expect(linkedMessageId(`#${messageAnchor(42)}`)).toBe(42);
  });

  it('ignores any other address fragment', () => {
    for (const hash of ['', '#', '#message-', '#message-12x', '#message--1', '#other-12', '#message-12345678901']) expect(linkedMessageId(hash), hash).toBeNull();
  });
});
