import { defineMessages } from '../define.js';

/**
 * The code of conduct page (reading it, and accepting it before entering a booth). Not in the
 * entry's catalogue: these strings ship in the page's own lazily loaded chunk.
 */
export const conduct = defineMessages({
  en: {
    'conduct.title': 'Code of conduct',
    'conduct.intro': 'Before you enter a booth, please read the fair’s code of conduct and accept it. You will be asked again only if the organisers change it.',
    'conduct.otherLanguage': 'The organisers have not written it in your language yet: here it is in {language}.',
    'conduct.accept': 'I have read it and I accept it',
    'conduct.accepting': 'Saving…',
    'conduct.accepted': 'You have accepted this version of the code of conduct.',
    'conduct.changed': 'The code of conduct changed while you were reading it. Here is the new version.',
    'conduct.none': 'The organisers have not published a code of conduct yet.',
    'conduct.loading': 'Loading the code of conduct…',
    'conduct.retry': 'Try again',
    'conduct.toLobby': 'Go to the booths',
    'conduct.language.en': 'English',
    'conduct.language.es': 'Spanish',
    'conduct.language.fr': 'French',
  },
  es: {
    'conduct.title': 'Código de conducta',
    'conduct.intro': 'Antes de entrar en un stand, lee el código de conducta de la feria y acéptalo. Solo se te volverá a pedir si la organización lo cambia.',
    'conduct.otherLanguage': 'La organización aún no lo ha escrito en tu idioma: aquí está en {language}.',
    'conduct.accept': 'Lo he leído y lo acepto',
    'conduct.accepting': 'Guardando…',
    'conduct.accepted': 'Has aceptado esta versión del código de conducta.',
    'conduct.changed': 'El código de conducta cambió mientras lo leías. Esta es la nueva versión.',
    'conduct.none': 'La organización aún no ha publicado un código de conducta.',
    'conduct.loading': 'Cargando el código de conducta…',
    'conduct.retry': 'Intentar de nuevo',
    'conduct.toLobby': 'Ir a los stands',
    'conduct.language.en': 'inglés',
    'conduct.language.es': 'español',
    'conduct.language.fr': 'francés',
  },
  fr: {
    'conduct.title': 'Code de conduite',
    'conduct.intro': 'Avant d’entrer dans un stand, lisez le code de conduite de la foire et acceptez-le. Il ne vous sera redemandé que si les organisateurs le modifient.',
    'conduct.otherLanguage': 'Les organisateurs ne l’ont pas encore écrit dans votre langue : le voici en {language}.',
    'conduct.accept': 'Je l’ai lu et je l’accepte',
    'conduct.accepting': 'Enregistrement…',
    'conduct.accepted': 'Vous avez accepté cette version du code de conduite.',
    'conduct.changed': 'Le code de conduite a changé pendant votre lecture. Voici la nouvelle version.',
    'conduct.none': 'Les organisateurs n’ont pas encore publié de code de conduite.',
    'conduct.loading': 'Chargement du code de conduite…',
    'conduct.retry': 'Réessayer',
    'conduct.toLobby': 'Aller aux stands',
    'conduct.language.en': 'anglais',
    'conduct.language.es': 'espagnol',
    'conduct.language.fr': 'français',
  },
});
