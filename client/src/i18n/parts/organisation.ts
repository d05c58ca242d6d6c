import { defineMessages } from '../define.js';

/**
 * The member organisation on the account page (issue 16). Not in the entry's catalogue: these
 * strings ship with the lazily loaded account page.
 */
export const organisation = defineMessages({
  en: {
    'organisation.title': 'Your organisation',
    'organisation.label': 'Member organisation',
    'organisation.hint': 'Shown to a booth’s staff only when you choose to share it with a contact request. Leave empty for none.',
    'organisation.save': 'Save organisation',
    'organisation.saved': 'Organisation saved.',
  },
  es: {
    'organisation.title': 'Tu organización',
    'organisation.label': 'Organización miembro',
    'organisation.hint': 'Solo la ve el equipo de un stand cuando eliges compartirla en una solicitud de contacto. Déjalo vacío si no tienes.',
    'organisation.save': 'Guardar la organización',
    'organisation.saved': 'Organización guardada.',
  },
  fr: {
    'organisation.title': 'Votre organisation',
    'organisation.label': 'Organisation membre',
    'organisation.hint': 'Visible par l’équipe d’un stand seulement si vous choisissez de la partager dans une demande de contact. Laissez vide si vous n’en avez pas.',
    'organisation.save': 'Enregistrer l’organisation',
    'organisation.saved': 'Organisation enregistrée.',
  },
});
