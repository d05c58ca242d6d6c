import { defineMessages } from '../define.js';

/**
 * The booth rating prompt's strings. Not in the entry's catalogue: they ship in the prompt's
 * lazily loaded chunk, fetched only when a member leaves a booth after a real visit.
 */
export const boothFeedback = defineMessages({
  en: {
    'feedback.title': 'How was your visit to {name}?',
    'feedback.scale': 'Your rating: one tap sends it',
    'feedback.rating': '{rating} out of 5',
    'feedback.poor': 'poor',
    'feedback.excellent': 'excellent',
    'feedback.addComment': 'Add a comment (optional)',
    'feedback.comment': 'Comment for the booth’s hosts (they do not see your name)',
    'feedback.commentHint': 'Then choose a rating above to send both.',
    'feedback.dismiss': 'Not now',
    'feedback.thanks': 'Thank you: your rating was sent.',
  },
  es: {
    'feedback.title': '¿Qué tal tu visita a {name}?',
    'feedback.scale': 'Tu valoración: se envía con un toque',
    'feedback.rating': '{rating} de 5',
    'feedback.poor': 'mala',
    'feedback.excellent': 'excelente',
    'feedback.addComment': 'Añadir un comentario (opcional)',
    'feedback.comment': 'Comentario para quienes atienden el stand (no verán tu nombre)',
    'feedback.commentHint': 'Después elige una valoración arriba para enviar las dos cosas.',
    'feedback.dismiss': 'Ahora no',
    'feedback.thanks': 'Gracias: tu valoración se ha enviado.',
  },
  fr: {
    'feedback.title': 'Comment s’est passée votre visite au stand {name} ?',
    'feedback.scale': 'Votre note : un seul appui l’envoie',
    'feedback.rating': '{rating} sur 5',
    'feedback.poor': 'mauvais',
    'feedback.excellent': 'excellent',
    'feedback.addComment': 'Ajouter un commentaire (facultatif)',
    'feedback.comment': 'Commentaire pour les hôtes du stand (ils ne verront pas votre nom)',
    'feedback.commentHint': 'Choisissez ensuite une note ci-dessus pour envoyer les deux.',
    'feedback.dismiss': 'Pas maintenant',
    'feedback.thanks': 'Merci : votre note a été envoyée.',
  },
});
