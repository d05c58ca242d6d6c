import { describe, expect, it } from 'vitest';
import { boothText } from './booth-text.js';

describe('boothText', () => {
  const booth = { name: 'Defenders desk', description: 'Digital security.', translations: { es: { name: 'Mesa de defensores', description: 'Seguridad digital.' } } };

  it("gives a reader their language's text, and the booth's own where it has none", () => {
    expect(boothText(booth, 'es')).toEqual({ name: 'Mesa de defensores', description: 'Seguridad digital.' });
    expect(boothText(booth, 'fr')).toEqual({ name: 'Defenders desk', description: 'Digital security.' });
    expect(boothText({ name: 'Old', description: 'No translations field' }, 'es').name).toBe('Old');
  });
});
