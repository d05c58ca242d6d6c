import { describe, expect, it } from 'vitest';
import type { FairSettings } from '../../shared/fair.js';
import { TestClient } from './harness.js';
import { useSignedInFair } from './fair.js';

const fair = useSignedInFair('admin@fair.test');

const settings: FairSettings = {
  name: { en: 'Digital Fair for Collective Action', es: 'Feria Digital para la Acción Colectiva', fr: 'Foire numérique pour l’action collective' },
  welcome: { en: 'Welcome!', es: '¡Bienvenida!' },
  startsAt: '2027-03-01T13:00:00.000Z',
  endsAt: '2027-03-03T21:00:00.000Z',
  timeZone: 'America/Bogota',
  contactEmail: 'fair@alliance.example.org',
};

describe('fair settings', () => {
  it('start empty, are saved whole by an organiser (audited), and are read by anyone, signed in or not', async () => {
    expect((await new TestClient(fair.server.baseUrl).get('/api/fair')).body).toMatchObject({ name: {}, welcome: {}, timeZone: 'UTC', startsAt: null });
    const saved = await fair.client.request('PUT', '/api/admin/fair', settings);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual(settings);
    expect((await new TestClient(fair.server.baseUrl).get('/api/fair')).body).toEqual(settings);
    const audit = (await fair.client.get('/api/moderation/audit?limit=1')).body.entries as { action: string; details: { fields: string[] } }[];
    expect(audit[0]).toMatchObject({ action: 'fair:settings' });
    expect(audit[0]!.details.fields).toEqual(['name', 'welcome', 'startsAt', 'endsAt', 'timeZone', 'contactEmail']);

    const renamed = await fair.client.request('PUT', '/api/admin/fair', { ...settings, welcome: { fr: 'Bienvenue !' } });
    expect(renamed.body.welcome).toEqual({ fr: 'Bienvenue !' });
    const again = (await fair.client.get('/api/moderation/audit?limit=1')).body.entries as { details: { fields: string[] } }[];
    expect(again[0]!.details.fields).toEqual(['welcome']);
  });

  it('refuses an unknown time zone, an end before the start, a bad address, and anyone but organisers', async () => {
    expect((await fair.client.request('PUT', '/api/admin/fair', { ...settings, timeZone: 'Mars/Olympus' })).body.error).toMatchObject({ details: { field: 'timeZone' } });
    expect((await fair.client.request('PUT', '/api/admin/fair', { ...settings, endsAt: '2027-02-01T00:00:00.000Z' })).body.error).toMatchObject({ details: { field: 'endsAt' } });
    expect((await fair.client.request('PUT', '/api/admin/fair', { ...settings, contactEmail: 'nope' })).body.error).toMatchObject({ details: { field: 'contactEmail' } });
    expect((await fair.client.request('PUT', '/api/admin/fair', { ...settings, name: { de: 'Messe' } })).body.error?.code).toBe('INVALID_PAYLOAD');
    const moderator = new TestClient(fair.server.baseUrl);
    await moderator.login('moderator@fair.test');
    expect((await moderator.request('PUT', '/api/admin/fair', settings)).status).toBe(403);
  });
});
