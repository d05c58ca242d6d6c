import type { Language } from '../../shared/limits.js';

/**
 * The demo fair's code of conduct (version 1), in the alliance's three languages. Organisers
 * replace it in the console; any change is a new version that everyone accepts again.
 * Plain text: a blank line between paragraphs, one rule per line.
 */
export const DEMO_CONDUCT: Record<Language, string> = {
  en: [
    'This fair is a space for people who organise for social change. Everyone here agrees to keep it safe, respectful and useful.',
    '- Treat everyone with respect. No harassment, threats, hate speech or discrimination of any kind.',
    '- Protect each other. Do not share anyone’s name, photo, location or organisation outside the fair without their consent. Some members are human-rights defenders at risk.',
    '- Do not record, screenshot or repost conversations without the agreement of everyone in them.',
    '- No spam, no selling, no links that ask for passwords. The organisers will never ask for yours.',
    '- Stay on topic in booth chats, and follow the host’s and moderators’ guidance.',
    'If something is wrong, report the message or write to the organisers. Moderators may mute, remove or ban anyone who breaks this code.',
  ].join('\n\n'),
  es: [
    'Esta feria es un espacio para personas que se organizan por el cambio social. Todas las personas aquí se comprometen a mantenerlo seguro, respetuoso y útil.',
    '- Trata a todas las personas con respeto. Nada de acoso, amenazas, discursos de odio ni discriminación de ningún tipo.',
    '- Cuídense entre sí. No compartas el nombre, la foto, la ubicación ni la organización de nadie fuera de la feria sin su consentimiento. Algunas personas miembros son defensoras de derechos humanos en riesgo.',
    '- No grabes, no hagas capturas ni vuelvas a publicar conversaciones sin el acuerdo de todas las personas que participan.',
    '- Nada de spam, ventas ni enlaces que pidan contraseñas. La organización nunca te pedirá la tuya.',
    '- Mantén el tema en los chats de los stands y sigue las indicaciones de quien anfitriona y de la moderación.',
    'Si algo no está bien, denuncia el mensaje o escribe a la organización. La moderación puede silenciar, expulsar o bloquear a quien incumpla este código.',
  ].join('\n\n'),
  fr: [
    'Cette foire est un espace pour les personnes qui s’organisent pour le changement social. Chacune et chacun s’engage à en faire un lieu sûr, respectueux et utile.',
    '- Traitez tout le monde avec respect. Ni harcèlement, ni menaces, ni discours de haine, ni discrimination d’aucune sorte.',
    '- Protégez-vous les uns les autres. Ne partagez pas le nom, la photo, le lieu ou l’organisation de quiconque hors de la foire sans son accord. Certains membres sont des défenseurs des droits humains en danger.',
    '- N’enregistrez pas, ne faites pas de captures et ne republiez pas de conversations sans l’accord de toutes les personnes concernées.',
    '- Pas de spam, pas de vente, pas de liens qui demandent un mot de passe. Les organisateurs ne vous demanderont jamais le vôtre.',
    '- Restez dans le sujet dans les discussions des stands et suivez les indications des hôtes et des modérateurs.',
    'Si quelque chose ne va pas, signalez le message ou écrivez aux organisateurs. Les modérateurs peuvent rendre muet, exclure ou bannir quiconque enfreint ce code.',
  ].join('\n\n'),
};
