import { defineMessages } from '../define.js';

/** Hosting: the host console (profile, schedule, settings, figures) and the lobby's schedule. */
export const host = defineMessages({
  en: {
    'host.console': 'Host console',
    'lobby.now': 'Now: {title}',
    'lobby.next': 'Next: {title}',
    'lobby.sessionTime': '{time}, in {language}',
    'lobby.locked': 'Not taking new visitors right now',
    'booth.links': 'Links and resources',
    'booth.slowMode': 'Slow mode is on: one message every {seconds} seconds.',
  },
  es: {
    'host.console': 'Consola del stand',
    'lobby.now': 'Ahora: {title}',
    'lobby.next': 'A continuación: {title}',
    'lobby.sessionTime': '{time}, en {language}',
    'lobby.locked': 'No admite nuevas visitas ahora',
    'booth.links': 'Enlaces y recursos',
    'booth.slowMode': 'Modo lento activado: un mensaje cada {seconds} segundos.',
  },
  fr: {
    'host.console': 'Console du stand',
    'lobby.now': 'En ce moment : {title}',
    'lobby.next': 'Ensuite : {title}',
    'lobby.sessionTime': '{time}, en {language}',
    'lobby.locked': 'N’accepte pas de nouveaux visiteurs pour le moment',
    'booth.links': 'Liens et ressources',
    'booth.slowMode': 'Mode lent activé : un message toutes les {seconds} secondes.',
  },
});
