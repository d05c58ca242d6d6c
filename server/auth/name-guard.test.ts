import { describe, expect, it } from 'vitest';
import { checkNameClaim, nameSkeleton, reservedWordIn, staffSkeletonsOf } from './name-guard.js';

const staff = staffSkeletonsOf(['Amara Host', 'Lucía Moderadora', 'Organiser']);

describe('name guard', () => {
  it.each([
    ['Kofi (moderator)', 'moderator'],
    ['Kofi (moderador)', 'moderador'],
    ['Kofi (modérateur)', 'moderateur'],
    ['M0derator Kofi', 'moderator'],
    ['mоderator', 'moderator'], // Cyrillic о
    ['KOFI ADMIN', 'admin'],
    ['KofiAdmin', 'admin'],
    ['Kofi_Staff', 'staff'],
    ['Anfitriona Ana', 'anfitriona'],
    ['Hôtesse Claire', 'hotesse'],
    ['L’équipe', 'equipe'],
    ['Official Support', 'official'],
    ['Fair Organizers', 'organizer'],
    ['m o d e r a t o r', 'moderator'],
    ['kofimoderatorteam', 'moderator'],
    ['Private visitor 4', 'private'],
    ['Visiteur privé 2', 'prive'],
  ])('reserves the role word in %s', (name, word) => {
    expect(reservedWordIn(name)).toBe(word);
    expect(checkNameClaim(name, 'member', staff)).toMatchObject({ ok: false, reason: 'role-word' });
  });

  it('refuses a homoglyph of a staff member’s name', () => {
    // The first letter is Cyrillic А (U+0410).
    expect(checkNameClaim('\u0410mara Host', 'member', staffSkeletonsOf(['Amara Host']))).toMatchObject({ ok: false });
    expect(checkNameClaim('\u0410mara Bello', 'member', staffSkeletonsOf(['Amara Bello']))).toMatchObject({ ok: false, reason: 'staff-lookalike' });
    expect(checkNameClaim('Amára  Bel1o', 'member', staffSkeletonsOf(['Amara Bello']))).toMatchObject({ ok: false, reason: 'staff-lookalike' });
    expect(checkNameClaim('AMARA BELLO', 'member', staffSkeletonsOf(['Amara Bello']))).toMatchObject({ ok: false, reason: 'staff-lookalike' });
  });

  it('gives one skeleton to look-alikes and different ones to different names', () => {
    expect(nameSkeleton('Ｋｏｆｉ')).toBe(nameSkeleton('kofi'));
    expect(nameSkeleton('Ian')).toBe(nameSkeleton('lan'));
    expect(nameSkeleton('Amara Bello')).not.toBe(nameSkeleton('Amara Bella'));
  });

  it.each(['José', 'Zoë', 'Nguyễn', '王芳', 'محمد', 'Thomas Ghost', 'Hostetler', 'Modou Diallo', 'Amara Bella', 'Stefan Moses'])(
    'accepts the ordinary name %s',
    (name) => {
      expect(checkNameClaim(name, 'member', staffSkeletonsOf(['Amara Bello']))).toEqual({ ok: true });
    },
  );

  it('lets staff keep their own names, role words included', () => {
    expect(checkNameClaim('Amara Host', 'host', staffSkeletonsOf(['Amara Host']))).toEqual({ ok: true });
    expect(checkNameClaim('Kofi (moderator)', 'moderator', staff)).toEqual({ ok: true });
  });
});
