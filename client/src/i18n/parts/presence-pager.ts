import { defineMessages } from '../define.js';

/**
 * Strings only "See everyone here" (PresencePager) uses. Not in the entry's catalogue: they
 * ship in the pager's lazily loaded chunk.
 */
export const presencePager = defineMessages({
  en: {
    'pager.complain': 'Complain',
    'pager.complainLabel': 'Complain to the organisers about {name} (opens in a new tab)',
  },
  es: {
    'pager.complain': 'Quejarse',
    'pager.complainLabel': 'Quejarse a la organización de {name} (se abre en otra pestaña)',
  },
  fr: {
    'pager.complain': 'Se plaindre',
    'pager.complainLabel': 'Se plaindre de {name} à l’organisation (s’ouvre dans un nouvel onglet)',
  },
});
