import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/limits.js';
import { CATALOGS } from './catalog.js';
import { hostConsole } from './parts/host-console.js';
import { reset } from './parts/reset.js';
import { organisers } from './parts/organisers.js';
import { conduct } from './parts/conduct.js';
import { survey } from './parts/survey.js';
import { surveyConsole } from './parts/survey-console.js';
import { moderationPanel } from './parts/moderation-panel.js';
import { complaints } from './parts/complaints.js';
import { contacts } from './parts/contacts.js';
import { organisation } from './parts/organisation.js';
import { conversations } from './parts/conversations.js';
import { staff } from './parts/staff.js';
import { boothFeedback } from './parts/booth-feedback.js';
import { inbox } from './parts/inbox.js';
import { accountPage } from './parts/account-page.js';
import { myData } from './parts/my-data.js';
import { queue } from './parts/queue.js';
import { questions } from './parts/questions.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Parts kept out of the entry's catalogue, shipped with their lazily loaded page's chunk. */
const LAZY_PARTS = { reset, hostConsole, organisers, conduct, staff, moderationPanel, survey, surveyConsole, boothFeedback, inbox, complaints, accountPage, myData, queue, contacts, organisation, questions, conversations } as const;

type Catalogues = Record<(typeof LANGUAGES)[number], Record<string, string>>;
const CATALOGUES: [string, Catalogues][] = [['the entry catalogue', CATALOGS], ...Object.entries(LAZY_PARTS)];

describe.each(CATALOGUES)('locale catalogue: %s', (_name, catalogues) => {
  const keys = Object.keys(catalogues.en);

  it.each(LANGUAGES)('%s has every key, none empty, with the same placeholders as English', (language) => {
    const catalog = catalogues[language] as Record<string, string | undefined>;
    const missing = keys.filter((key) => !catalog[key]?.trim());
    expect(missing).toEqual([]);
    expect(Object.keys(catalog).sort()).toEqual([...keys].sort());
    const mismatched = keys.filter((key) => placeholders(catalog[key]!).join() !== placeholders(catalogues.en[key]!).join());
    expect(mismatched).toEqual([]);
  });

  it('has the "other" plural form wherever a "one" form exists', () => {
    for (const key of keys.filter((k) => k.endsWith('.one'))) expect(keys, key).toContain(`${key.slice(0, -4)}.other`);
  });
});

describe.each(Object.entries(LAZY_PARTS))('lazily loaded part %s', (_name, part) => {
  it('shares no key with the entry catalogue', () => {
    expect(Object.keys(part.en).filter((key) => Object.hasOwn(CATALOGS.en, key))).toEqual([]);
  });
});

/** Visible text written straight into JSX instead of through t(): the test names where. */
function untranslatedText(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const hasWords = (text: string) => /\p{L}{2,}/u.test(text);
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.getText())) found.push(`${where(node)} text "${node.getText().trim()}"`);
    if (ts.isJsxAttribute(node) && ['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-description'].includes(node.name.getText())) {
      const value = node.initializer;
      if (value && ts.isStringLiteral(value) && hasWords(value.text)) found.push(`${where(node)} ${node.name.getText()}="${value.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsxFiles(path);
    return name.endsWith('.tsx') ? [path] : [];
  });
}

describe('components', () => {
  it('render no visible text that bypasses the i18n layer', () => {
    const files = tsxFiles('client/src');
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap(untranslatedText)).toEqual([]);
  });
});
