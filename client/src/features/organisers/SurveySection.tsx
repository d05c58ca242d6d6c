import { filled, perLanguage, type PerLanguage } from './per-language.js';
import { COMPLAINT_CATEGORIES } from '../../../../shared/complaint-values.js';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import { LANGUAGES, RESPONSE_BODY_MAX_CHARS, RESPONSE_TITLE_MAX_CHARS, type Language } from '../../../../shared/limits.js';
import type { ChoiceGroup, RatingGroup, SurveyGroup, SurveyQuestionResult, SurveyQuestionView, SurveyResults, SurveySummary } from '../../../../shared/survey.js';
import {
  checkSurveyDefinition,
  hasNpsShape,
  npsTemplateQuestions,
  SURVEY_KEY_PATTERN,
  SURVEY_MAX_OPTIONS,
  SURVEY_MAX_QUESTIONS,
  SURVEY_OPTION_MAX_CHARS,
  SURVEY_QUESTION_KINDS,
  SURVEY_QUESTION_MAX_CHARS,
  SURVEY_TITLE_MAX_CHARS,
  surveyLanguage,
  type PerLanguageText,
  type SurveyDefinitionInput,
  type SurveyQuestion,
  type SurveyQuestionKind,
} from '../../../../shared/survey-questions.js';
import { SurveyQuestions } from '../survey/SurveyQuestions.js';
import type { MessageKey } from '../../i18n/index.js';
import { surveyConsole as surveyPart } from '../../i18n/parts/survey-console.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert } from './ApiErrorAlert.js';
import { DataTable } from './DataTable.js';

type SurveyT = PartTranslator<keyof typeof surveyPart.en>;

/** The complaint categories a response can answer (the complaint form's categories). */

function groupText(t: SurveyT, group: SurveyGroup): string {
  return group.tooFew ? t('orgSurvey.tooFew') : t('orgSurvey.groupFigures', { nps: group.nps, responses: group.responses });
}

function Results({ id, version }: { id: number; version: number }) {
  const t = usePartT(surveyPart);
  const [results, setResults] = useState<SurveyResults | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<SurveyResults>(`/api/surveys/${id}/results`).then((result) => (result.ok ? setResults(result.data) : setError(result.error)));
  }, [id, version]);
  const titleId = `org-survey-results-${id}`;
  return (
    <div aria-labelledby={titleId} role="region">
      <h3 id={titleId}>{t('orgSurvey.surveyResults', { id })}</h3>
      <ApiErrorAlert error={error} />
      {results && results.survey.template !== 'nps' && <QuestionResultsList results={results} />}
      {results && results.survey.template === 'nps' && (
        <>
          <p>
            <strong>{results.nps === null ? t('orgSurvey.npsNone') : t('orgSurvey.nps', { nps: results.nps })}</strong>
          </p>
          <p>{t('orgSurvey.npsCounts', { promoters: results.promoters, passives: results.passives, detractors: results.detractors })}</p>
          <p>{t('orgSurvey.answered', { answered: results.answered, came: results.came })}</p>
          <DataTable label={t('orgSurvey.distribution')} columns={[t('orgSurvey.score'), t('orgSurvey.count')]}>
            {results.distribution.map((count, score) => (
              <tr key={score}>
                <td>{score}</td>
                <td>{count}</td>
              </tr>
            ))}
          </DataTable>
          <DataTable label={t('orgSurvey.breakdown')} columns={[t('orgSurvey.group'), t('orgSurvey.breakdown')]}>
            {LANGUAGES.map((language: Language) => (
              <tr key={language}>
                <td>{t.app(`language.${language}` as MessageKey)}</td>
                <td>{groupText(t, results.byLanguage[language])}</td>
              </tr>
            ))}
            <tr>
              <td>{t('orgSurvey.hosts')}</td>
              <td>{groupText(t, results.byRole.hosts)}</td>
            </tr>
            <tr>
              <td>{t('orgSurvey.members')}</td>
              <td>{groupText(t, results.byRole.members)}</td>
            </tr>
          </DataTable>
          {(
            [
              ['orgSurvey.reasons', results.comments.reason ?? []],
              ['orgSurvey.changes', results.comments.change ?? []],
            ] as const
          ).map(([key, comments]) => (
            <div key={key}>
              <h4>{t(key)}</h4>
              {comments.length === 0 ? (
                <p>{t('orgSurvey.noComments')}</p>
              ) : (
                <ul>
                  {comments.map((comment, i) => (
                    <li key={i}>{comment}</li>
                  ))}
                </ul>
              )}
            </div>
          ))}
          <p>
            <a href={`/api/surveys/${id}/results?format=csv`} download>
              {t('orgSurvey.surveyCsv')}
            </a>
          </p>
        </>
      )}
    </div>
  );
}

function ResponseForm({ surveyId }: { surveyId: number | null }) {
  const t = usePartT(surveyPart);
  const [title, setTitle] = useState(perLanguage());
  const [body, setBody] = useState(perLanguage());
  const [categories, setCategories] = useState<string[]>([]);
  const [themes, setThemes] = useState('');
  const [linkSurvey, setLinkSurvey] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notified, setNotified] = useState<number | null>(null);
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);

  async function publish(event: FormEvent) {
    event.preventDefault();
    const links = {
      complaintCategories: categories,
      themes: themes
        .split(',')
        .map((theme) => theme.trim())
        .filter(Boolean),
      ...(linkSurvey && surveyId !== null ? { surveyId } : {}),
    };
    const result = await api<{ id: number; notified: number }>('/api/responses', { method: 'POST', body: { title: filled(title), body: filled(body), links } });
    if (!result.ok) return setError(result.error);
    setError(null);
    setNotified(result.data.notified);
    setTitle(perLanguage());
    setBody(perLanguage());
  }

  function fieldLabel(path: string): string {
    const [field, second] = path.split('.');
    const name = field === 'body' ? t('orgSurvey.responseBody') : field === 'title' ? t('orgSurvey.responseTitle') : t('orgSurvey.responseThemes');
    return second === 'en' || second === 'es' || second === 'fr' ? `${name}, ${language(second)}` : name;
  }

  return (
    <form onSubmit={(e) => void publish(e)} aria-labelledby="org-responses-title">
      <p className="hint">{t('orgSurvey.responseHint')}</p>
      {LANGUAGES.map((l) => (
        <fieldset key={l} lang={l}>
          <legend>{language(l)}</legend>
          <div className="field">
            <label htmlFor={`response-title-${l}`}>{t('orgSurvey.responseTitle')}</label>
            <input id={`response-title-${l}`} value={title[l]} maxLength={RESPONSE_TITLE_MAX_CHARS} onChange={(e) => setTitle({ ...title, [l]: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`response-body-${l}`}>{t('orgSurvey.responseBody')}</label>
            <textarea id={`response-body-${l}`} rows={4} value={body[l]} maxLength={RESPONSE_BODY_MAX_CHARS} onChange={(e) => setBody({ ...body, [l]: e.target.value })} />
          </div>
        </fieldset>
      ))}
      <fieldset>
        <legend>{t('orgSurvey.responseCategories')}</legend>
        {COMPLAINT_CATEGORIES.map((category) => (
          <label key={category} className="choice">
            <input
              type="checkbox"
              checked={categories.includes(category)}
              onChange={(e) => setCategories(e.target.checked ? [...categories, category] : categories.filter((c) => c !== category))}
            />{' '}
            {t(`orgSurvey.category.${category}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="response-themes">{t('orgSurvey.responseThemes')}</label>
        <input id="response-themes" value={themes} onChange={(e) => setThemes(e.target.value)} />
      </div>
      {surveyId !== null && (
        <label className="choice">
          <input type="checkbox" checked={linkSurvey} onChange={(e) => setLinkSurvey(e.target.checked)} /> {t('orgSurvey.responseSurvey')}
        </label>
      )}
      <ApiErrorAlert error={error} fieldLabel={fieldLabel} />
      {notified !== null && <p role="status">{t('orgSurvey.responsePublished', { count: notified })}</p>}
      <button type="submit">{t('orgSurvey.responsePublish')}</button>
    </form>
  );
}

/** A text in the reader's language, else the first language it has. */
function inLanguage(text: PerLanguageText | null | undefined, language: Language): string {
  if (!text) return '';
  return text[language] || (LANGUAGES.map((l) => text[l]).find(Boolean) ?? '');
}

/** The breakdown rows (each language, hosts, members) of one question; a group under 5 answers shows nothing. */
function BreakdownTable<G extends { tooFew: boolean }>({ label, result, text }: { label: string; result: { byLanguage: Record<Language, G>; byRole: { hosts: G; members: G } }; text: (group: G) => string }) {
  const t = usePartT(surveyPart);
  const rows: [string, G][] = [
    ...LANGUAGES.map((language): [string, G] => [t.app(`language.${language}` as MessageKey), result.byLanguage[language]]),
    [t('orgSurvey.hosts'), result.byRole.hosts],
    [t('orgSurvey.members'), result.byRole.members],
  ];
  return (
    <DataTable label={label} columns={[t('orgSurvey.group'), t('orgSurvey.breakdown')]}>
      {rows.map(([name, group]) => (
        <tr key={name}>
          <td>{name}</td>
          <td>{group.tooFew ? t('orgSurvey.tooFew') : text(group)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** An organiser's own survey's results, question by question. */
function QuestionResultsList({ results }: { results: SurveyResults }) {
  const t = usePartT(surveyPart);
  const number = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 2 });
  return (
    <>
      <p>{t('orgSurvey.answered', { answered: results.answered, came: results.came })}</p>
      {results.questions.map((q: SurveyQuestionResult, i) => {
        const heading = t('orgSurvey.questionResults', { n: i + 1, text: inLanguage(q.text, t.locale) });
        const headingId = `org-survey-${results.survey.id}-q-${q.key}`;
        return (
          <div key={q.key} role="group" aria-labelledby={headingId}>
            <h4 id={headingId}>{heading}</h4>
            {q.kind === 'text' &&
              (q.comments.length === 0 ? (
                <p>{t('orgSurvey.noComments')}</p>
              ) : (
                <ul>
                  {q.comments.map((comment, j) => (
                    <li key={j}>{comment}</li>
                  ))}
                </ul>
              ))}
            {q.kind === 'nps' && (
              <>
                <p>
                  <strong>{q.nps === null ? t('orgSurvey.npsNone') : t('orgSurvey.nps', { nps: q.nps })}</strong>
                </p>
                <p>{t('orgSurvey.npsCounts', { promoters: q.promoters, passives: q.passives, detractors: q.detractors })}</p>
                <DataTable label={`${t('orgSurvey.distribution')}, ${t('orgSurvey.question', { n: i + 1 })}`} columns={[t('orgSurvey.score'), t('orgSurvey.count')]}>
                  {q.distribution.map((count, score) => (
                    <tr key={score}>
                      <td>{score}</td>
                      <td>{count}</td>
                    </tr>
                  ))}
                </DataTable>
                <BreakdownTable<SurveyGroup> label={`${t('orgSurvey.breakdown')}, ${t('orgSurvey.question', { n: i + 1 })}`} result={q} text={(g) => (g.tooFew ? '' : t('orgSurvey.groupFigures', { nps: g.nps, responses: g.responses }))} />
              </>
            )}
            {q.kind === 'rating' && (
              <>
                <p>
                  <strong>{q.average === null ? t('orgSurvey.averageNone') : t('orgSurvey.average', { average: number.format(q.average), responses: q.responses })}</strong>
                </p>
                <DataTable label={`${t('orgSurvey.distribution')}, ${t('orgSurvey.question', { n: i + 1 })}`} columns={[t('orgSurvey.score'), t('orgSurvey.count')]}>
                  {q.distribution.map((count, j) => (
                    <tr key={j}>
                      <td>{j + 1}</td>
                      <td>{count}</td>
                    </tr>
                  ))}
                </DataTable>
                <BreakdownTable<RatingGroup> label={`${t('orgSurvey.breakdown')}, ${t('orgSurvey.question', { n: i + 1 })}`} result={q} text={(g) => (g.tooFew ? '' : t('orgSurvey.groupAverage', { average: number.format(g.average), responses: g.responses }))} />
              </>
            )}
            {q.kind === 'choice' && (
              <>
                <p>{t('orgSurvey.questionAnswers', { responses: q.responses })}</p>
                <DataTable label={`${t('orgSurvey.optionCounts')}, ${t('orgSurvey.question', { n: i + 1 })}`} columns={[t('orgSurvey.optionColumn'), t('orgSurvey.count')]}>
                  {q.options.map((option) => (
                    <tr key={option.key}>
                      <td>{inLanguage(option.text, t.locale)}</td>
                      <td>{option.count}</td>
                    </tr>
                  ))}
                </DataTable>
                <BreakdownTable<ChoiceGroup>
                  label={`${t('orgSurvey.breakdown')}, ${t('orgSurvey.question', { n: i + 1 })}`}
                  result={q}
                  text={(g) =>
                    g.tooFew
                      ? ''
                      : t('orgSurvey.groupCounts', {
                          counts: q.options.map((o) => `${inLanguage(o.text, t.locale)}: ${g.counts[o.key] ?? 0}`).join(' · '),
                          responses: g.responses,
                        })
                  }
                />
              </>
            )}
          </div>
        );
      })}
      <p>
        <a href={`/api/surveys/${results.survey.id}/results?format=csv`} download>
          {t('orgSurvey.surveyCsv')}
        </a>
      </p>
    </>
  );
}

/** One question as the editor holds it: every language's field, empty where there is none. */
interface DraftQuestion {
  uid: number;
  key: string;
  kind: SurveyQuestionKind;
  required: boolean;
  text: PerLanguage;
  options: { key?: string; text: PerLanguage }[];
}

interface Draft {
  /** The survey being changed (a draft), or null for a new one. */
  id: number | null;
  /** Started from the NPS template: saved as the template while its keys and kinds stay. */
  fromTemplate: boolean;
  title: PerLanguage;
  questions: DraftQuestion[];
}

let nextUid = 1;
const draftQuestion = (q: Partial<SurveyQuestion> & { kind: SurveyQuestionKind; key: string }): DraftQuestion => ({
  uid: nextUid++,
  key: q.key,
  kind: q.kind,
  required: q.required !== false,
  text: perLanguage(q.text),
  options: (q.options ?? []).map((o) => ({ key: o.key, text: perLanguage(o.text) })),
});

/** A key no other question has: q1, q2, … */
const freshKey = (questions: DraftQuestion[]) => {
  for (let n = questions.length + 1; ; n++) if (!questions.some((q) => q.key === `q${n}`)) return `q${n}`;
};

function draftInput(draft: Draft): SurveyDefinitionInput {
  const title = filled(draft.title);
  return {
    ...(Object.keys(title).length > 0 ? { title } : {}),
    questions: draft.questions.map((q) => ({
      key: q.key.trim(),
      kind: q.kind,
      text: filled(q.text),
      ...(q.kind === 'text' ? {} : { required: q.required }),
      ...(q.kind === 'choice' ? { options: q.options.map((o) => ({ ...(o.key ? { key: o.key } : {}), text: filled(o.text) })) } : {}),
    })),
  };
}

/**
 * Writing a survey: a title and questions, each with its kind and its text in every language
 * the survey has (options too, for a choice); add, remove, move; a preview in each language;
 * saved as a draft (nothing is shown to members until it is opened).
 */
function SurveyEditor({ initial, onSaved, onCancel }: { initial: Draft; onSaved: () => void; onCancel: () => void }) {
  const t = usePartT(surveyPart);
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewLanguage, setPreviewLanguage] = useState<Language>(t.locale);
  const [previewValues, setPreviewValues] = useState<Record<string, number | string>>({});
  const headingRef = useRef<HTMLHeadingElement>(null);
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);
  const n = (i: number) => i + 1;

  useEffect(() => headingRef.current?.focus(), []);

  const setQuestion = (uid: number, change: Partial<DraftQuestion>) => setDraft((d) => ({ ...d, questions: d.questions.map((q) => (q.uid === uid ? { ...q, ...change } : q)) }));
  const move = (from: number, to: number) =>
    setDraft((d) => {
      const questions = [...d.questions];
      const [moved] = questions.splice(from, 1);
      questions.splice(to, 0, moved!);
      return { ...d, questions };
    });

  /** Where a problem is, as the form names it. */
  function where(path: string): string {
    const option = /^questions\.(\d+)\.options\.(\d+)/.exec(path);
    if (option) return t('orgSurvey.where.option', { m: Number(option[2]) + 1, n: Number(option[1]) + 1 });
    const question = /^questions\.(\d+)/.exec(path);
    if (question) return t('orgSurvey.question', { n: Number(question[1]) + 1 });
    if (path.startsWith('title')) return t('orgSurvey.where.title');
    return t('orgSurvey.survey');
  }

  /** The checks the server makes, said in the organiser's language before anything is sent. */
  function explain(field: string, input: SurveyDefinitionInput): string {
    const lang = /\.text\.(en|es|fr)$/.exec(field) ?? /^title\.(en|es|fr)$/.exec(field);
    if (lang) {
      const l = lang[1] as Language;
      const path = field.split('.');
      const text = field.startsWith('title')
        ? input.title
        : path[2] === 'options'
          ? input.questions[Number(path[1])]?.options?.[Number(path[3])]?.text
          : input.questions[Number(path[1])]?.text;
      const key = text?.[l] ? 'orgSurvey.extraLanguage' : 'orgSurvey.missingLanguage';
      return t(key, { where: where(field), language: language(l) });
    }
    if (field.endsWith('.text')) return t('orgSurvey.noText', { where: where(field) });
    if (field.endsWith('.key')) return t('orgSurvey.badKey', { where: where(field) });
    if (field.endsWith('.options')) return t('orgSurvey.fewOptions', { where: where(field) });
    if (field === 'questions') return t('orgSurvey.noQuestions');
    return t.app('error.INVALID_PAYLOAD', { detail: where(field) });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const input = draftInput(draft);
    const badKey = input.questions.findIndex((q) => !SURVEY_KEY_PATTERN.test(q.key));
    if (badKey >= 0) return setProblem(t('orgSurvey.badKey', { where: t('orgSurvey.question', { n: badKey + 1 }) }));
    const checked = checkSurveyDefinition(input);
    if (!checked.ok) return setProblem(explain(checked.field, input));
    setProblem(null);
    const asTemplate = draft.id === null && draft.fromTemplate && hasNpsShape(checked.definition.questions);
    const result =
      draft.id === null
        ? await api<SurveySummary>('/api/surveys', { method: 'POST', body: asTemplate ? { template: 'nps', ...input } : input })
        : await api<SurveySummary>(`/api/surveys/${draft.id}/questions`, { method: 'PUT', body: input });
    if (!result.ok) return setError(result.error);
    setError(null);
    onSaved();
  }

  const input = draftInput(draft);
  const checked = checkSurveyDefinition(input);
  const previewQuestions = checked.ok ? checked.definition.questions : [];
  const previewLanguages = LANGUAGES.filter((l) => previewQuestions[0]?.text[l]);
  const shown = previewQuestions.length > 0 ? surveyLanguage(previewQuestions, previewLanguage) : previewLanguage;
  const previewItems: SurveyQuestionView[] = previewQuestions.map((q) => ({
    key: q.key,
    kind: q.kind,
    text: q.text[shown] ?? '',
    required: q.kind !== 'text' && q.required !== false,
    ...(q.options ? { options: q.options.map((o) => ({ key: o.key, text: o.text[shown] ?? '' })) } : {}),
  }));
  const titleId = 'org-survey-editor-title';

  return (
    <form onSubmit={(e) => void save(e)} aria-labelledby={titleId} noValidate>
      <h3 id={titleId} ref={headingRef} tabIndex={-1}>
        {draft.id === null ? t('orgSurvey.editorNew') : t('orgSurvey.editorEdit', { id: draft.id })}
      </h3>
      <p className="hint">{t('orgSurvey.editorHint')}</p>
      <fieldset>
        <legend>{t('orgSurvey.title')}</legend>
        {LANGUAGES.map((l) => (
          <div key={l} className="field">
            <label htmlFor={`survey-title-${l}`}>{t('orgSurvey.titleIn', { language: language(l) })}</label>
            <input id={`survey-title-${l}`} lang={l} value={draft.title[l]} maxLength={SURVEY_TITLE_MAX_CHARS} onChange={(e) => setDraft({ ...draft, title: { ...draft.title, [l]: e.target.value } })} />
          </div>
        ))}
      </fieldset>
      {draft.questions.map((q, i) => (
        <fieldset key={q.uid}>
          <legend>{t('orgSurvey.question', { n: n(i) })}</legend>
          <div className="field">
            <label htmlFor={`survey-q-${q.uid}-kind`}>{t('orgSurvey.kind', { n: n(i) })}</label>
            <select
              id={`survey-q-${q.uid}-kind`}
              value={q.kind}
              onChange={(e) => {
                const kind = e.target.value as SurveyQuestionKind;
                setQuestion(q.uid, { kind, options: kind === 'choice' && q.options.length < 2 ? [{ text: perLanguage() }, { text: perLanguage() }] : q.options });
              }}
            >
              {SURVEY_QUESTION_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`orgSurvey.kind.${kind}`)}
                </option>
              ))}
            </select>
          </div>
          {LANGUAGES.map((l) => (
            <div key={l} className="field">
              <label htmlFor={`survey-q-${q.uid}-${l}`}>{t('orgSurvey.questionText', { n: n(i), language: language(l) })}</label>
              <input id={`survey-q-${q.uid}-${l}`} lang={l} value={q.text[l]} maxLength={SURVEY_QUESTION_MAX_CHARS} onChange={(e) => setQuestion(q.uid, { text: { ...q.text, [l]: e.target.value } })} />
            </div>
          ))}
          {q.kind === 'choice' && (
            <fieldset>
              <legend>{t('orgSurvey.options', { n: n(i) })}</legend>
              {q.options.map((option, j) => (
                <div key={j} className="row">
                  {LANGUAGES.map((l) => (
                    <div key={l} className="field">
                      <label htmlFor={`survey-q-${q.uid}-o-${j}-${l}`}>{t('orgSurvey.option', { m: j + 1, language: language(l) })}</label>
                      <input
                        id={`survey-q-${q.uid}-o-${j}-${l}`}
                        lang={l}
                        value={option.text[l]}
                        maxLength={SURVEY_OPTION_MAX_CHARS}
                        onChange={(e) => setQuestion(q.uid, { options: q.options.map((o, k) => (k === j ? { ...o, text: { ...o.text, [l]: e.target.value } } : o)) })}
                      />
                    </div>
                  ))}
                  <button type="button" className="secondary" disabled={q.options.length <= 2} onClick={() => setQuestion(q.uid, { options: q.options.filter((_, k) => k !== j) })}>
                    {t('orgSurvey.removeOption', { m: j + 1, n: n(i) })}
                  </button>
                </div>
              ))}
              <button type="button" className="secondary" disabled={q.options.length >= SURVEY_MAX_OPTIONS} onClick={() => setQuestion(q.uid, { options: [...q.options, { text: perLanguage() }] })}>
                {t('orgSurvey.addOption', { n: n(i) })}
              </button>
            </fieldset>
          )}
          {q.kind !== 'text' && (
            <label className="choice">
              <input type="checkbox" checked={q.required} onChange={(e) => setQuestion(q.uid, { required: e.target.checked })} /> {t('orgSurvey.required', { n: n(i) })}
            </label>
          )}
          <div className="field">
            <label htmlFor={`survey-q-${q.uid}-key`}>{t('orgSurvey.key', { n: n(i) })}</label>
            <input id={`survey-q-${q.uid}-key`} value={q.key} maxLength={32} aria-describedby="survey-key-hint" onChange={(e) => setQuestion(q.uid, { key: e.target.value })} />
          </div>
          <p className="row">
            <button type="button" className="secondary" disabled={i === 0} onClick={() => move(i, i - 1)}>
              {t('orgSurvey.moveUp', { n: n(i) })}
            </button>
            <button type="button" className="secondary" disabled={i === draft.questions.length - 1} onClick={() => move(i, i + 1)}>
              {t('orgSurvey.moveDown', { n: n(i) })}
            </button>
            <button type="button" className="secondary" disabled={draft.questions.length <= 1} onClick={() => setDraft({ ...draft, questions: draft.questions.filter((other) => other.uid !== q.uid) })}>
              {t('orgSurvey.removeQuestion', { n: n(i) })}
            </button>
          </p>
        </fieldset>
      ))}
      <p id="survey-key-hint" className="hint">
        {t('orgSurvey.keyHint')}
      </p>
      <p className="row">
        <button
          type="button"
          className="secondary"
          disabled={draft.questions.length >= SURVEY_MAX_QUESTIONS}
          onClick={() => setDraft({ ...draft, questions: [...draft.questions, draftQuestion({ key: freshKey(draft.questions), kind: 'rating' })] })}
        >
          {t('orgSurvey.addQuestion')}
        </button>
        <button type="button" className="secondary" aria-expanded={previewing} onClick={() => setPreviewing(!previewing)}>
          {t('orgSurvey.preview')}
        </button>
      </p>
      {previewing && (
        <div role="region" aria-labelledby="org-survey-preview-title" className="notice">
          <h4 id="org-survey-preview-title">{t('orgSurvey.previewTitle')}</h4>
          {!checked.ok ? (
            <p>{explain(checked.field, input)}</p>
          ) : (
            <>
              <div className="field">
                <label htmlFor="org-survey-preview-language">{t('orgSurvey.previewLanguage')}</label>
                <select id="org-survey-preview-language" value={shown} onChange={(e) => setPreviewLanguage(e.target.value as Language)}>
                  {previewLanguages.map((l) => (
                    <option key={l} value={l}>
                      {language(l)}
                    </option>
                  ))}
                </select>
              </div>
              <div lang={shown}>
                {checked.definition.title?.[shown] && <p><strong>{checked.definition.title[shown]}</strong></p>}
                <SurveyQuestions idPrefix="org-survey-preview" items={previewItems} values={previewValues} onChange={(key, value) => setPreviewValues((v) => ({ ...v, [key]: value }))} />
              </div>
            </>
          )}
        </div>
      )}
      {problem && (
        <p role="alert" className="error">
          {problem}
        </p>
      )}
      <ApiErrorAlert error={error} fieldLabel={where} />
      <p className="row">
        <button type="submit">{t('orgSurvey.save')}</button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('orgSurvey.cancel')}
        </button>
      </p>
    </form>
  );
}

const templateDraft = (): Draft => ({ id: null, fromTemplate: true, title: perLanguage(), questions: npsTemplateQuestions().map(draftQuestion) });
const blankDraft = (): Draft => ({ id: null, fromTemplate: false, title: perLanguage(), questions: [draftQuestion({ key: 'q1', kind: 'rating' })] });
const draftOf = (survey: SurveySummary): Draft => ({ id: survey.id, fromTemplate: survey.template === 'nps', title: perLanguage(survey.title ?? {}), questions: survey.questions.map(draftQuestion) });

/**
 * The fair survey (make the NPS one, or start from it and change its wording, or write your
 * own questions per language; preview; open and close it; its results per question and CSV)
 * and "You said, we did" (publish what changed), in the organisers' console.
 */
export function SurveySection() {
  const t = usePartT(surveyPart);
  const [surveys, setSurveys] = useState<SurveySummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [oneOpen, setOneOpen] = useState(false);
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const load = useCallback(() => {
    void api<{ surveys: SurveySummary[] }>('/api/surveys').then((result) => (result.ok ? setSurveys(result.data.surveys) : setError(result.error)));
  }, []);
  useEffect(load, [load]);

  async function create() {
    const result = await api<SurveySummary>('/api/surveys', { method: 'POST', body: { template: 'nps' } });
    if (!result.ok) return setError(result.error);
    setError(null);
    load();
  }

  async function setStatus(id: number, status: 'open' | 'closed') {
    const result = await api<SurveySummary>(`/api/surveys/${id}`, { method: 'PATCH', body: { status } });
    setOneOpen(!result.ok && result.error.code === 'CONFLICT');
    if (!result.ok && result.error.code !== 'CONFLICT') return setError(result.error);
    setError(null);
    setVersion((v) => v + 1);
    load();
  }

  return (
    <>
      <section className="card" aria-labelledby="org-survey-title">
        <h2 id="org-survey-title">{t('orgSurvey.survey')}</h2>
        <ApiErrorAlert error={error} />
        {oneOpen && <p role="alert">{t('orgSurvey.surveyOneOpen')}</p>}
        {surveys?.length === 0 && <p>{t('orgSurvey.surveyNone')}</p>}
        <p className="row">
          <button type="button" className="secondary" onClick={() => void create()}>
            {t('orgSurvey.surveyCreate')}
          </button>
          <button type="button" className="secondary" onClick={() => (setSaved(false), setEditing(templateDraft()))}>
            {t('orgSurvey.fromTemplate')}
          </button>
          <button type="button" className="secondary" onClick={() => (setSaved(false), setEditing(blankDraft()))}>
            {t('orgSurvey.writeOwn')}
          </button>
        </p>
        {editing && (
          <SurveyEditor
            key={`${editing.id ?? 'new'}-${editing.questions[0]?.uid ?? 0}`}
            initial={editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              setSaved(true);
              load();
            }}
          />
        )}
        {saved && <p role="status">{t('orgSurvey.saved')}</p>}
        {surveys?.map((s) => (
          <div key={s.id}>
            <p className="row">
              <span>
                {t('orgSurvey.surveyItem', { id: s.id })}
                {s.template === 'custom' ? ` (${inLanguage(s.title, t.locale) || inLanguage(s.questions[0]?.text, t.locale)})` : ''}: {t(`orgSurvey.surveyStatus.${s.status}`)}
              </span>
              {s.status === 'draft' && (
                <button type="button" className="secondary" onClick={() => (setSaved(false), setEditing(draftOf(s)))}>
                  {t('orgSurvey.editQuestions', { id: s.id })}
                </button>
              )}
              <button type="button" onClick={() => void setStatus(s.id, s.status === 'open' ? 'closed' : 'open')}>
                {t(s.status === 'open' ? 'orgSurvey.surveyClose' : 'orgSurvey.surveyOpen', { id: s.id })}
              </button>
            </p>
            {s.status !== 'draft' && <Results id={s.id} version={version} />}
          </div>
        ))}
      </section>
      <section className="card" aria-labelledby="org-responses-title">
        <h2 id="org-responses-title">{t('orgSurvey.responses')}</h2>
        <ResponseForm surveyId={surveys?.[0]?.id ?? null} />
      </section>
    </>
  );
}
