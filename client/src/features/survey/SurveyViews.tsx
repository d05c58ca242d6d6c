import { SurveyPage } from './SurveyPage.js';
import { SurveyPrompt } from './SurveyPrompt.js';
import { YouSaidPage } from './YouSaidPage.js';

/**
 * The one door from the entry into the survey's and "You said, we did"'s code: a single lazy
 * chunk (one import in the entry, not three) that shows the page for `path`, or, anywhere
 * else (the lobby), the survey prompt and the link to "You said, we did".
 */
export function SurveyViews({ path }: { path: string }) {
  if (path === '/survey') return <SurveyPage />;
  if (path === '/you-said') return <YouSaidPage />;
  return <SurveyPrompt />;
}
