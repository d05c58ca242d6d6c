import { questionAnchor } from '../../../../shared/questions.js';
import { useStore } from '../../app/store.js';
import { command } from '../../lib/socket.js';

/** How long "Answer in chat" waits for the answer to be sent before it stops watching. */
const ANSWER_WATCH_MS = 30 * 60_000;

/** Questions a staff member chose to answer in chat, each with the watch that links the answer. */
const watching = new Map<number, () => void>();

/**
 * Puts a link to the question at the start of the booth's composer and focuses it. The composer
 * belongs to the entry's chat (kept mounted while the Questions tab shows): it is a controlled
 * textarea, so the value goes in through the native setter and an input event, as typing would,
 * rather than through a draft field in the entry's store (every byte there costs every member).
 */
function prefillComposer(text: string): void {
  const composer = document.getElementById('composer');
  if (!(composer instanceof HTMLTextAreaElement)) return;
  // Called with the composer as `this`, below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
  const current = composer.value.trim();
  setValue?.call(composer, current.includes(text) ? composer.value : `${text} ${current}`.trimEnd() + ' ');
  composer.dispatchEvent(new Event('input', { bubbles: true }));
  composer.focus();
  composer.setSelectionRange(composer.value.length, composer.value.length);
}

/**
 * "Answer in chat": the composer gets `#question-<id>`, and the first message this person then
 * sends in the booth that carries that link is linked to the question as its answer
 * (`question:answer` with its messageId), which marks the question answered.
 */
export function answerInChat(boothId: number, questionId: number): void {
  const link = `#${questionAnchor(questionId)}`;
  prefillComposer(link);
  if (watching.has(questionId)) return;
  const known = new Set(useStore.getState().boothView?.messages.map((message) => message.id));
  const stop = () => {
    unsubscribe();
    clearTimeout(timer);
    watching.delete(questionId);
  };
  const unsubscribe = useStore.subscribe((state) => {
    const view = state.boothView;
    if (!view || view.boothId !== boothId) return stop();
    const answer = view.messages.find(
      (message) => !known.has(message.id) && message.author.id === state.me?.id && new RegExp(`${link}(?!\\d)`).test(message.body),
    );
    if (!answer) return;
    stop();
    void command('question:answer', { questionId, messageId: answer.id });
  });
  const timer = setTimeout(stop, ANSWER_WATCH_MS);
  watching.set(questionId, stop);
}
