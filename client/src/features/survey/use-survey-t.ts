import { survey } from '../../i18n/parts/survey.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';

export type SurveyKey = keyof typeof survey.en;
export type SurveyT = PartTranslator<SurveyKey>;

/** The survey's and "You said, we did"'s strings (a lazy part: they ship with these pages). */
export function useSurveyT(): SurveyT {
  return usePartT(survey);
}
