import { defineMessages } from '../define.js';

/**
 * Private 1:1 conversations (/conversations). Not in the entry's catalogue: these strings ship in
 * the page's own lazily loaded chunk; the composer, outbox and report wording are the entry's
 * `chat.*` and `mod.*` strings, so they read as they do in a booth.
 */
export const conversations = defineMessages({
  en: {
    'conv.title': 'Conversations',
    'conv.intro': 'Private conversations between you and one person on a booth’s staff. Only the two of you can read them; a moderator reads a message only if one of you reports it.',
    'conv.loading': 'Loading your conversations…',
    'conv.empty': 'No conversations yet. When a booth’s staff accept your contact request, your conversation with them appears here.',
    'conv.retry': 'Try again',
    'conv.list': 'Your conversations',
    'conv.with': 'Conversation with {name}',
    'conv.atBooth': 'Booth: {booth}',
    'conv.back': 'All conversations',
    'conv.notFound': 'This conversation does not exist, or it is not yours.',
    'conv.you': 'You',
    'conv.authorRemoved': 'This person deleted their account; their message is gone.',
  },
  es: {
    'conv.title': 'Conversaciones',
    'conv.intro': 'Conversaciones privadas entre tú y una persona del equipo de un stand. Solo vosotros dos podéis leerlas; el equipo de moderación lee un mensaje solo si uno de los dos lo denuncia.',
    'conv.loading': 'Cargando tus conversaciones…',
    'conv.empty': 'Aún no tienes conversaciones. Cuando el equipo de un stand acepte tu solicitud de contacto, la conversación aparecerá aquí.',
    'conv.retry': 'Reintentar',
    'conv.list': 'Tus conversaciones',
    'conv.with': 'Conversación con {name}',
    'conv.atBooth': 'Stand: {booth}',
    'conv.back': 'Todas las conversaciones',
    'conv.notFound': 'Esta conversación no existe o no es tuya.',
    'conv.you': 'Tú',
    'conv.authorRemoved': 'Esta persona eliminó su cuenta; su mensaje ya no está.',
  },
  fr: {
    'conv.title': 'Conversations',
    'conv.intro': 'Des conversations privées entre vous et une personne de l’équipe d’un stand. Vous seuls pouvez les lire ; l’équipe de modération ne lit un message que si l’un de vous le signale.',
    'conv.loading': 'Chargement de vos conversations…',
    'conv.empty': 'Pas encore de conversation. Quand l’équipe d’un stand accepte votre demande de contact, votre conversation apparaît ici.',
    'conv.retry': 'Réessayer',
    'conv.list': 'Vos conversations',
    'conv.with': 'Conversation avec {name}',
    'conv.atBooth': 'Stand : {booth}',
    'conv.back': 'Toutes les conversations',
    'conv.notFound': 'Cette conversation n’existe pas, ou elle n’est pas la vôtre.',
    'conv.you': 'Vous',
    'conv.authorRemoved': 'Cette personne a supprimé son compte ; son message n’est plus là.',
  },
});
