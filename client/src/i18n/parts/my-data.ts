import { defineMessages } from '../define.js';

/**
 * "My data" on the account page: the export and deleting the account. Not in the entry's
 * catalogue: these strings ship in the page's own lazily loaded chunk.
 */
export const myData = defineMessages({
  en: {
    'privacy.title': 'My data',
    'privacy.intro':
      'The fair keeps your messages and booth visits only for a limited time after the fair ends, then deletes them. You can download everything it holds about you, or delete your account now.',
    'privacy.downloadTitle': 'Download my data',
    'privacy.downloadHint': 'A file (JSON) with your account, sign-ins, messages, visits, reports you made, and any moderation action taken on you.',
    'privacy.download': 'Download my data',
    'privacy.deleteTitle': 'Delete my account',
    'privacy.deleteWarning':
      'This cannot be undone. You will be signed out everywhere and cannot sign in again. Your messages stay in the conversation as “deleted member” without their text. Moderators keep a record that the account was deleted, without your email.',
    'privacy.password': 'Your password, to confirm',
    'privacy.confirm': 'I understand that my account will be deleted for good.',
    'privacy.delete': 'Delete my account',
    'privacy.deleting': 'Deleting…',
  },
  es: {
    'privacy.title': 'Mis datos',
    'privacy.intro':
      'La feria guarda tus mensajes y visitas a los stands solo por un tiempo limitado después de que termine, y luego los borra. Puedes descargar todo lo que guarda sobre ti o borrar tu cuenta ahora.',
    'privacy.downloadTitle': 'Descargar mis datos',
    'privacy.downloadHint': 'Un archivo (JSON) con tu cuenta, tus inicios de sesión, mensajes, visitas, las denuncias que hiciste y cualquier medida de moderación tomada sobre ti.',
    'privacy.download': 'Descargar mis datos',
    'privacy.deleteTitle': 'Borrar mi cuenta',
    'privacy.deleteWarning':
      'No se puede deshacer. Se cerrarán todas tus sesiones y no podrás volver a entrar. Tus mensajes quedan en la conversación como “miembro eliminado”, sin su texto. La moderación conserva constancia de que la cuenta se borró, sin tu correo.',
    'privacy.password': 'Tu contraseña, para confirmar',
    'privacy.confirm': 'Entiendo que mi cuenta se borrará definitivamente.',
    'privacy.delete': 'Borrar mi cuenta',
    'privacy.deleting': 'Borrando…',
  },
  fr: {
    'privacy.title': 'Mes données',
    'privacy.intro':
      'La foire ne garde vos messages et vos visites des stands que pendant une durée limitée après sa clôture, puis les supprime. Vous pouvez télécharger tout ce qu’elle conserve sur vous, ou supprimer votre compte dès maintenant.',
    'privacy.downloadTitle': 'Télécharger mes données',
    'privacy.downloadHint': 'Un fichier (JSON) avec votre compte, vos connexions, vos messages, vos visites, vos signalements et toute mesure de modération prise à votre égard.',
    'privacy.download': 'Télécharger mes données',
    'privacy.deleteTitle': 'Supprimer mon compte',
    'privacy.deleteWarning':
      'C’est définitif. Vous serez déconnecté·e partout et ne pourrez plus vous connecter. Vos messages restent dans la conversation sous « membre supprimé », sans leur texte. La modération garde la trace de la suppression du compte, sans votre adresse e-mail.',
    'privacy.password': 'Votre mot de passe, pour confirmer',
    'privacy.confirm': 'Je comprends que mon compte sera supprimé définitivement.',
    'privacy.delete': 'Supprimer mon compte',
    'privacy.deleting': 'Suppression…',
  },
});
