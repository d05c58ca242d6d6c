import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { changePasswordBodySchema, reauthBodySchema } from '../../../shared/account.js';
import { acceptInviteBodySchema, loginBodySchema, updateMeBodySchema } from '../../../shared/auth.js';
import { boothProfileSchema, boothSessionInputSchema } from '../../../shared/booths.js';
import { LANGUAGES } from '../../../shared/limits.js';
import { announcementCreateSchema, banSchema, chatDeleteSchema, kickSchema, muteSchema, reportCreateSchema, reportResolveSchema } from '../../../shared/moderation.js';
import { deleteAccountBodySchema } from '../../../shared/privacy.js';
import { chatSendSchema } from '../../../shared/protocol.js';
import { CATALOGS, createTranslator, fieldKey } from './index.js';

/** What the server answers for a too-short password (server/http/errors.ts, invalidPayload). */
const tooShortPassword = { code: 'INVALID_PAYLOAD', message: 'password: Too small: expected string to have >=10 characters', details: { field: 'password' } } as const;

describe('form errors', () => {
  it.each([
    ['en', 'Something in the form is not right: password'],
    ['es', 'Algo en el formulario no es correcto: contraseña'],
    ['fr', 'Un champ du formulaire n’est pas correct : mot de passe'],
  ] as const)('name the field at fault in the reader’s language (%s)', (language, sentence) => {
    expect(createTranslator(language).error(tooShortPassword)).toBe(sentence);
  });

  it('name a field inside a list by its own name, and never show the server’s English for a field nobody types', () => {
    const fr = createTranslator('fr');
    expect(fr.error({ code: 'INVALID_PAYLOAD', message: 'links.1.url: Invalid URL', details: { field: 'links.1.url' } })).toBe('Un champ du formulaire n’est pas correct : adresse web');
    expect(fr.error({ code: 'INVALID_PAYLOAD', message: 'code: Too small', details: { field: 'code' } })).toBe('Un champ du formulaire n’est pas correct. Vérifiez-le et réessayez.');
    expect(fr.error({ code: 'INVALID_PAYLOAD', message: 'invalid payload' })).toBe('Un champ du formulaire n’est pas correct. Vérifiez-le et réessayez.');
    expect(fieldKey('__proto__')).toBeNull();
  });
});

/** Every property a person fills in, however deep (ids and codes the client fills are left out). */
function typedFields(schema: z.ZodType): string[] {
  const def = schema._zod.def;
  if (def.type === 'optional' || def.type === 'nullable') return typedFields((schema as z.ZodOptional<z.ZodType>).unwrap());
  if (def.type === 'array') return typedFields((schema as z.ZodArray<z.ZodType>).element);
  if (def.type !== 'object') return [];
  return Object.entries((schema as z.ZodObject).shape).flatMap(([name, inner]) => [name, ...typedFields(inner as z.ZodType)]);
}
const FILLED_BY_THE_CLIENT = /Id$|^code$|^outcome$/;

describe('the field names in the catalogue', () => {
  it.each(LANGUAGES)('cover every field of every form’s body in %s', (language) => {
    const forms = [loginBodySchema, acceptInviteBodySchema, updateMeBodySchema, changePasswordBodySchema, reauthBodySchema, deleteAccountBodySchema, boothProfileSchema, boothSessionInputSchema, muteSchema, kickSchema, banSchema, chatDeleteSchema, reportCreateSchema, reportResolveSchema, announcementCreateSchema, chatSendSchema];
    const fields = [...new Set(forms.flatMap(typedFields))].filter((name) => !FILLED_BY_THE_CLIENT.test(name));
    expect(fields).toContain('password');
    const catalog = CATALOGS[language] as Record<string, string | undefined>;
    expect(fields.filter((name) => !catalog[`field.${name}`]?.trim())).toEqual([]);
  });
});
