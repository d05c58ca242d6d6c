import { defineMessages } from '../define.js';

/**
 * "Forgot your password?": asking for a link, and the page that link opens. Not in the entry's
 * catalogue: these strings ship in the pages' own lazily loaded chunk (partTranslator).
 */
export const reset = defineMessages({
  en: {
    'reset.requestTitle': 'Reset your password',
    'reset.requestIntro': 'Enter the email you sign in with. We will email you a link to choose a new password.',
    'reset.send': 'Email me a link',
    'reset.sending': 'Sending…',
    'reset.requested': 'If an account uses {email}, we have emailed it a link. The link works for one hour. If nothing arrives, check your spam folder.',
    'reset.backToSignIn': 'Back to sign in',
    'reset.title': 'Choose a new password',
    'reset.intro': 'Once it is set, every device signed in to your account is signed out, and you sign in again with the new password.',
    'reset.save': 'Set the new password',
    'reset.saving': 'Saving…',
    'reset.tooShort': 'The new password needs at least {min} characters.',
    'reset.done': 'Your password has been changed. Sign in with your new password.',
    'reset.askAgain': 'Ask for a new link',
    'error.RESET_INVALID': 'This link has expired or has already been used. Ask for a new one.',
  },
  es: {
    'reset.requestTitle': 'Restablece tu contraseña',
    'reset.requestIntro': 'Escribe el correo con el que inicias sesión. Te enviaremos un enlace para elegir una nueva contraseña.',
    'reset.send': 'Enviarme un enlace',
    'reset.sending': 'Enviando…',
    'reset.requested': 'Si hay una cuenta con {email}, le hemos enviado un enlace. El enlace es válido durante una hora. Si no llega, revisa la carpeta de correo no deseado.',
    'reset.backToSignIn': 'Volver a iniciar sesión',
    'reset.title': 'Elige una nueva contraseña',
    'reset.intro': 'Cuando la guardes, se cerrará la sesión en todos los dispositivos conectados a tu cuenta y entrarás de nuevo con la nueva contraseña.',
    'reset.save': 'Guardar la nueva contraseña',
    'reset.saving': 'Guardando…',
    'reset.tooShort': 'La nueva contraseña debe tener al menos {min} caracteres.',
    'reset.done': 'Tu contraseña ha cambiado. Inicia sesión con la nueva contraseña.',
    'reset.askAgain': 'Pedir un nuevo enlace',
    'error.RESET_INVALID': 'Este enlace ha caducado o ya se usó. Pide uno nuevo.',
  },
  fr: {
    'reset.requestTitle': 'Réinitialiser votre mot de passe',
    'reset.requestIntro': 'Saisissez l’adresse e-mail avec laquelle vous vous connectez. Nous vous enverrons un lien pour choisir un nouveau mot de passe.',
    'reset.send': 'M’envoyer un lien',
    'reset.sending': 'Envoi…',
    'reset.requested': 'Si un compte utilise {email}, nous lui avons envoyé un lien. Le lien reste valable une heure. Si rien n’arrive, vérifiez vos courriers indésirables.',
    'reset.backToSignIn': 'Retour à la connexion',
    'reset.title': 'Choisir un nouveau mot de passe',
    'reset.intro': 'Dès qu’il sera enregistré, tous les appareils connectés à votre compte seront déconnectés, et vous vous reconnecterez avec le nouveau mot de passe.',
    'reset.save': 'Enregistrer le nouveau mot de passe',
    'reset.saving': 'Enregistrement…',
    'reset.tooShort': 'Le nouveau mot de passe doit comporter au moins {min} caractères.',
    'reset.done': 'Votre mot de passe a été modifié. Connectez-vous avec le nouveau mot de passe.',
    'reset.askAgain': 'Demander un nouveau lien',
    'error.RESET_INVALID': 'Ce lien a expiré ou a déjà été utilisé. Demandez-en un nouveau.',
  },
});
