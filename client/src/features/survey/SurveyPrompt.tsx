import { useEffect, useState } from 'react';
import type { CurrentSurvey } from '../../../../shared/survey.js';
import { api } from '../../lib/api.js';
import { readSetting, writeSetting } from '../../lib/device-storage.js';
import { Link } from '../../lib/router.js';
import { useSurveyT } from './use-survey-t.js';

/** The survey whose prompt this device has already shown and the member put aside. */
const PROMPT_DONE_KEY = 'fair.surveyPromptDone';

/**
 * Below the lobby's guide, loaded lazily after the lobby (so the entry carries none of it): a
 * link to "You said, we did", and while a survey is open that this member has not answered, a
 * prompt to answer it. The prompt shows until they dismiss it or go to answer (remembered on
 * this device, per survey).
 */
export function SurveyPrompt() {
  const t = useSurveyT();
  const [open, setOpen] = useState<number | null>(null);
  const [template, setTemplate] = useState<string>('nps');
  useEffect(() => {
    let live = true;
    void api<CurrentSurvey>(`/api/surveys/current?lang=${t.locale}`).then((result) => {
      if (!live || !result.ok || !result.data.survey || result.data.answer) return;
      if (readSetting(PROMPT_DONE_KEY) === String(result.data.survey.id)) return;
      setTemplate(result.data.survey.template);
      setOpen(result.data.survey.id);
    });
    return () => {
      live = false;
    };
  }, [t.locale]);
  const done = () => {
    writeSetting(PROMPT_DONE_KEY, String(open));
    setOpen(null);
  };
  return (
    <>
      {open !== null && (
        <aside className="notice" aria-labelledby="survey-prompt">
          <p id="survey-prompt">{template === 'nps' ? t('nps.prompt') : t('survey.prompt')}</p>
          <p className="row">
            <Link to="/survey" onClick={done}>
              {t('nps.answer')}
            </Link>
            <button type="button" className="secondary" onClick={done}>
              {t('nps.dismiss')}
            </button>
          </p>
        </aside>
      )}
      <p>
        <Link to="/you-said">{t('yousaid.link')}</Link>
      </p>
    </>
  );
}
