import { defineMessages } from '../define.js';

/** Privacy: the member's own data (download, delete the account) and deleted accounts in chat. */
export const privacy = defineMessages({
  en: {
    'privacy.nav': 'My data',
    'privacy.deletedMember': 'deleted member',
    'privacy.messageGone': 'This member’s account was deleted.',
    'privacy.privateVisitor': 'Private visitor {number}',
    'privacy.othersSeeYouAs': 'You are visiting privately: others will see you as {name}.',
    'privacy.sentPrivately': 'sent privately',
  },
  es: {
    'privacy.nav': 'Mis datos',
    'privacy.deletedMember': 'miembro eliminado',
    'privacy.messageGone': 'La cuenta de este miembro fue eliminada.',
    'privacy.privateVisitor': 'Visitante privado {number}',
    'privacy.othersSeeYouAs': 'Estás de visita privada: los demás te verán como {name}.',
    'privacy.sentPrivately': 'enviado en privado',
  },
  fr: {
    'privacy.nav': 'Mes données',
    'privacy.deletedMember': 'membre supprimé',
    'privacy.messageGone': 'Le compte de ce membre a été supprimé.',
    'privacy.privateVisitor': 'Visiteur privé {number}',
    'privacy.othersSeeYouAs': 'Vous visitez en privé : les autres vous verront comme {name}.',
    'privacy.sentPrivately': 'envoyé en privé',
  },
});
