import { describe, expect, it } from 'vitest';
import { displayNameSchema } from './auth.js';
import { checkDisplayName, normaliseDisplayName } from './display-name.js';

describe('display names', () => {
  it('normalises with NFKC, so full-width letters become plain ones', () => {
    expect(normaliseDisplayName('Ｋｏｆｉ')).toBe('Kofi');
    expect(checkDisplayName('  Ｋｏｆｉ   Mensah ')).toEqual({ ok: true, name: 'Kofi Mensah' });
  });

  it.each([
    ['zero-width space', 'Ko\u200bfi', 'invisible'],
    ['zero-width joiner', 'Ko\u200dfi', 'invisible'],
    ['word joiner', 'Ko\u2060fi', 'invisible'],
    ['byte-order mark', '\ufeffKofi', 'invisible'],
    ['soft hyphen', 'Ko\u00adfi', 'invisible'],
    ['variation selector', 'Kofi\ufe0f', 'invisible'],
    ['tag character', 'Kofi\u{e0041}', 'invisible'],
    ['Hangul filler', 'Kofi\u3164', 'invisible'],
    ['right-to-left override', 'Kofi\u202erotaredom', 'bidi'],
    ['right-to-left isolate', '\u2067Kofi', 'bidi'],
    ['left-to-right mark', 'Kofi\u200e', 'bidi'],
    ['Arabic letter mark', 'Kofi\u061c', 'bidi'],
    ['line break', 'Kofi\nModerator', 'control'],
    ['NUL', 'Kofi\u0000', 'control'],
    ['C1 control', 'Kofi\u0085', 'control'],
    ['stacked accents (zalgo)', 'Ko\u0301\u0302\u0303\u0304\u0305\u0306\u0307fi', 'marks'],
    ['blank', '   ', 'empty'],
    ['too long', 'K'.repeat(61), 'too-long'],
  ])('refuses a %s', (_label, raw, problem) => {
    expect(checkDisplayName(raw)).toEqual({ ok: false, problem });
  });

  it.each(['José', 'Zoë', 'Nguyễn Thị Minh', '王芳', 'محمد', 'Ана Петрова', "Aoife O'Brien", 'Jean-Luc'])('accepts %s', (name) => {
    expect(checkDisplayName(name)).toEqual({ ok: true, name: name.normalize('NFKC') });
  });

  it('is what the display-name schema parses to, with a clear message when refused', () => {
    expect(displayNameSchema.parse('Ｋｏｆｉ')).toBe('Kofi');
    const refused = displayNameSchema.safeParse('Kofi\u202e');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/text-direction/);
  });
});
