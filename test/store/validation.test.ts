import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { Knowledge } from '../../src/core/types.js';
import { loadIntents, MIN_UTTERANCES, parseIntent } from '../../src/store/intents.js';
import { loadKnowledge, parseKnowledge } from '../../src/store/knowledge.js';
import { DataFileError } from '../../src/store/validate.js';

const ARTICLE = path.join(PROJECT_ROOT, 'data', 'article.json');
const INTENTS = path.join(PROJECT_ROOT, 'intents');
const MEMBERS = path.join(INTENTS, 'linkedin.members.json');
const HE_MIAO_QUOTES = path.join(INTENTS, 'quotes.he-miao.json');

type Json = any;

const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8'));
const article = (): Json => readJson(ARTICLE);

/** Runs `fn`, expects a DataFileError, and returns it. */
function dataError(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataFileError);
    return error as DataFileError;
  }
  throw new Error('expected a DataFileError, but nothing was thrown');
}

/** Expects `fn` to throw a DataFileError naming `file` and `field` (and matching `problem`). */
function expectFieldError(fn: () => unknown, file: string, field: string, problem?: RegExp): void {
  const error = dataError(fn);
  expect(error.message.startsWith(`${file}: field "${field}" `)).toBe(true);
  expect(error.file).toBe(file);
  expect(error.field).toBe(field);
  if (problem) expect(error.message).toMatch(problem);
}

describe('parseKnowledge', () => {
  it('accepts the real data/article.json', () => {
    const k = parseKnowledge(article(), ARTICLE);
    expect(k.title).toEqual(expect.any(String));
    expect(k.paragraphs.length).toBeGreaterThan(10);
    expect(k.facts.length).toBeGreaterThan(0);
    expect(k.quotes.length).toBeGreaterThan(0);
    expect(k.people.map((p) => p.name)).toEqual(expect.arrayContaining(['Derek Shen', 'He Miao', 'Jin Xiaolei']));
    expect(k.organizations.map((o) => o.id)).toEqual(expect.arrayContaining(['linkedin', 'tianji']));
  });

  const cases: { name: string; field: string; problem?: RegExp; breakIt: (d: Json) => void }[] = [
    {
      name: 'a paragraph number that is not an integer',
      field: 'facts[3].paragraph',
      problem: /integer/,
      breakIt: (d) => (d.facts[3].paragraph = 'two'),
    },
    {
      name: 'a paragraph number below 1',
      field: 'facts[3].paragraph',
      problem: /at least 1/,
      breakIt: (d) => (d.facts[3].paragraph = 0),
    },
    {
      name: 'a paragraph number that does not exist',
      field: 'facts[3].paragraph',
      problem: /not a paragraph/,
      breakIt: (d) => (d.facts[3].paragraph = 999),
    },
    { name: 'a missing title', field: 'title', problem: /non-empty string/, breakIt: (d) => delete d.title },
    { name: 'a blank title', field: 'title', problem: /non-empty string/, breakIt: (d) => (d.title = '   ') },
    {
      name: 'a source that is not an object',
      field: 'source',
      problem: /object/,
      breakIt: (d) => (d.source = 'China Daily'),
    },
    { name: 'a missing source name', field: 'source.name', breakIt: (d) => delete d.source.name },
    {
      name: 'paragraphs that are not an array',
      field: 'paragraphs',
      problem: /array/,
      breakIt: (d) => (d.paragraphs = {}),
    },
    { name: 'no facts at all', field: 'facts', problem: /at least 1/, breakIt: (d) => (d.facts = []) },
    {
      name: 'a fact that is not an object',
      field: 'facts[2]',
      problem: /object/,
      breakIt: (d) => (d.facts[2] = 'a fact'),
    },
    { name: 'a fact without a statement', field: 'facts[0].statement', breakIt: (d) => delete d.facts[0].statement },
    {
      name: 'a fact about an unknown subject',
      field: 'facts[0].subject',
      problem: /nobody/,
      breakIt: (d) => (d.facts[0].subject = 'nobody'),
    },
    {
      name: 'a duplicate fact id',
      field: 'facts[1].id',
      problem: /repeats/,
      breakIt: (d) => (d.facts[1].id = d.facts[0].id),
    },
    {
      name: 'a duplicate quote id',
      field: 'quotes[1].id',
      problem: /repeats/,
      breakIt: (d) => (d.quotes[1].id = d.quotes[0].id),
    },
    {
      name: 'a quote id equal to a fact id',
      field: 'quotes[0].id',
      problem: /repeats/,
      breakIt: (d) => (d.quotes[0].id = d.facts[5].id),
    },
    {
      name: 'a duplicate person id',
      field: 'people[1].id',
      problem: /repeats/,
      breakIt: (d) => (d.people[1].id = d.people[0].id),
    },
    {
      name: 'a quote speaker that is an organization, not a person',
      field: 'quotes[0].speaker',
      problem: /names no person/,
      breakIt: (d) => (d.quotes[0].speaker = 'linkedin'),
    },
    {
      name: 'a quote speaker that does not exist',
      field: 'quotes[0].speaker',
      problem: /names no person/,
      breakIt: (d) => (d.quotes[0].speaker = 'someone'),
    },
    {
      name: 'a quote in a paragraph that does not exist',
      field: 'quotes[2].paragraph',
      breakIt: (d) => (d.quotes[2].paragraph = 500),
    },
    {
      name: 'a quote without a paragraph',
      field: 'quotes[2].paragraph',
      breakIt: (d) => (d.quotes[2].paragraph = null),
    },
    {
      name: 'a pronoun other than he or she',
      field: 'people[0].pronoun',
      problem: /"he", "she"/,
      breakIt: (d) => (d.people[0].pronoun = 'it'),
    },
    {
      name: 'aliases that are not an array',
      field: 'people[0].aliases',
      problem: /array/,
      breakIt: (d) => (d.people[0].aliases = 'Shen'),
    },
    { name: 'an empty alias', field: 'people[0].aliases[1]', breakIt: (d) => (d.people[0].aliases = ['Shen', '']) },
    {
      name: 'a person at an unknown organization',
      field: 'people[0].organization',
      problem: /nowhere/,
      breakIt: (d) => (d.people[0].organization = 'nowhere'),
    },
    {
      name: 'a person whose organization is a person',
      field: 'people[0].organization',
      breakIt: (d) => (d.people[0].organization = 'he-miao'),
    },
    {
      name: 'an organization without a description',
      field: 'organizations[1].description',
      breakIt: (d) => delete d.organizations[1].description,
    },
    { name: 'a place without a name', field: 'places[0].name', breakIt: (d) => (d.places[0].name = 3) },
  ];

  it.each(cases)('rejects $name, naming field "$field"', ({ field, problem, breakIt }) => {
    const data = article();
    breakIt(data);
    expectFieldError(() => parseKnowledge(data, ARTICLE), ARTICLE, field, problem);
  });

  it('accepts a fact whose paragraph is null (the copyright notice)', () => {
    const data = article();
    data.facts[3].paragraph = null;
    expect(parseKnowledge(data, ARTICLE).facts[3]!.paragraph).toBeNull();
  });

  it.each([[[]], [null], ['text'], [42]])('rejects a root that is not an object (%j), naming the file', (root) => {
    const error = dataError(() => parseKnowledge(root, ARTICLE));
    expect(error.message).toBe(`${ARTICLE}: must be an object`);
    expect(error.field).toBeNull();
  });
});

describe('loadKnowledge', () => {
  let dir: string;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the real article store', async () => {
    const k = await loadKnowledge(ARTICLE);
    expect(k).toEqual(parseKnowledge(article(), ARTICLE));
  });

  it('rejects a missing file with a message naming it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-test-'));
    const missing = path.join(dir, 'missing.json');
    const load = loadKnowledge(missing);
    await expect(load).rejects.toBeInstanceOf(DataFileError);
    await expect(load).rejects.toThrow(missing);
  });

  it('rejects a file that is not JSON with a message naming it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-test-'));
    const broken = path.join(dir, 'article.json');
    fs.writeFileSync(broken, '{ "title": "LinkedIn", ');
    const load = loadKnowledge(broken);
    await expect(load).rejects.toBeInstanceOf(DataFileError);
    await expect(load).rejects.toThrow(broken);
    await expect(load).rejects.toThrow(/JSON/);
  });

  it('rejects a JSON file with a bad field, naming file and field', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knowledge-test-'));
    const file = path.join(dir, 'article.json');
    const data = article();
    data.facts[3].paragraph = 'x';
    fs.writeFileSync(file, JSON.stringify(data));
    await expect(loadKnowledge(file)).rejects.toThrow(`${file}: field "facts[3].paragraph"`);
  });
});

describe('parseIntent', () => {
  let knowledge: Knowledge;
  beforeAll(() => {
    knowledge = parseKnowledge(article(), ARTICLE);
  });

  it('accepts the real linkedin.members and quotes.he-miao intents', () => {
    const members = parseIntent(readJson(MEMBERS), MEMBERS, knowledge);
    expect(members.intent).toBe('linkedin.members');
    expect(members.answer).toEqual({ facts: ['linkedin-members'] });
    expect(members.utterances.length).toBeGreaterThanOrEqual(MIN_UTTERANCES);
    const quotes = parseIntent(readJson(HE_MIAO_QUOTES), HE_MIAO_QUOTES, knowledge);
    expect(quotes.answer.quotes?.length).toBeGreaterThan(0);
  });

  it('requires at least 15 utterances', () => {
    expect(MIN_UTTERANCES).toBe(15);
    const data = readJson(MEMBERS);
    data.utterances = data.utterances.slice(0, 15);
    expect(parseIntent(data, MEMBERS, knowledge).utterances).toHaveLength(15);
    data.utterances = data.utterances.slice(0, 14);
    expectFieldError(
      () => parseIntent(data, MEMBERS, knowledge),
      MEMBERS,
      'utterances',
      /at least 15 entries \(has 14\)/,
    );
  });

  const cases: { name: string; field: string; problem?: RegExp; file?: string; breakIt: (d: Json) => void }[] = [
    { name: 'missing utterances', field: 'utterances', problem: /array/, breakIt: (d) => delete d.utterances },
    { name: 'utterances that are a string', field: 'utterances', breakIt: (d) => (d.utterances = 'linkedin members') },
    { name: 'an utterance that is not a string', field: 'utterances[2]', breakIt: (d) => (d.utterances[2] = 42) },
    { name: 'an empty utterance', field: 'utterances[0]', breakIt: (d) => (d.utterances[0] = ' ') },
    {
      name: 'an unknown fact id',
      field: 'answer.facts[0]',
      problem: /no-such-fact/,
      breakIt: (d) => (d.answer.facts = ['no-such-fact']),
    },
    {
      name: 'an unknown fact id after a good one',
      field: 'answer.facts[1]',
      breakIt: (d) => d.answer.facts.push('no-such-fact'),
    },
    { name: 'a fact id that is not a string', field: 'answer.facts[0]', breakIt: (d) => (d.answer.facts = [7]) },
    {
      name: 'a name that does not match the file name',
      field: 'intent',
      problem: /file name/,
      breakIt: (d) => (d.intent = 'linkedin.growth'),
    },
    {
      name: 'a name that is not domain-first',
      field: 'intent',
      problem: /domain-first/,
      breakIt: (d) => (d.intent = 'members'),
    },
    { name: 'a name with capitals', field: 'intent', breakIt: (d) => (d.intent = 'LinkedIn.Members') },
    { name: 'a missing name', field: 'intent', breakIt: (d) => delete d.intent },
    { name: 'a missing description', field: 'description', breakIt: (d) => delete d.description },
    {
      name: 'an unknown entity in about',
      field: 'about[0]',
      problem: /names no person/,
      breakIt: (d) => (d.about = ['myspace']),
    },
    { name: 'a missing answer', field: 'answer', problem: /object/, breakIt: (d) => delete d.answer },
    {
      name: 'an answer with both facts and text',
      field: 'answer',
      problem: /exactly one/,
      breakIt: (d) => (d.answer.text = 'Lots.'),
    },
    { name: 'an empty answer', field: 'answer', problem: /exactly one/, breakIt: (d) => (d.answer = {}) },
    { name: 'fallback: false', field: 'answer.fallback', breakIt: (d) => (d.answer = { fallback: false }) },
    { name: 'an unknown list kind', field: 'answer.list', breakIt: (d) => (d.answer = { list: 'cities' }) },
    {
      name: 'suggestions that are not strings',
      field: 'suggestions[1]',
      breakIt: (d) => (d.suggestions = ['Who is Derek Shen?', null]),
    },
    {
      name: 'an unknown quote id',
      field: 'answer.quotes[1]',
      problem: /names no quote/,
      file: HE_MIAO_QUOTES,
      breakIt: (d) => (d.answer.quotes[1] = 'made-up-quote'),
    },
    {
      name: 'a fact id used as a quote id',
      field: 'answer.quotes[0]',
      file: HE_MIAO_QUOTES,
      breakIt: (d) => (d.answer.quotes[0] = 'linkedin-members'),
    },
  ];

  it.each(cases)('rejects $name, naming field "$field"', ({ field, problem, file = MEMBERS, breakIt }) => {
    const data = readJson(file);
    breakIt(data);
    expectFieldError(() => parseIntent(data, file, knowledge), file, field, problem);
  });

  it('rejects an intent file that is not an object, naming the file', () => {
    const error = dataError(() => parseIntent(['linkedin.members'], MEMBERS, knowledge));
    expect(error.message).toBe(`${MEMBERS}: must be an object`);
  });

  it('checks fact ids against the knowledge it is given', () => {
    const data = readJson(MEMBERS);
    const without = { ...knowledge, facts: knowledge.facts.filter((f) => f.id !== 'linkedin-members') };
    expectFieldError(() => parseIntent(data, MEMBERS, without), MEMBERS, 'answer.facts[0]', /linkedin-members/);
  });
});

describe('loadIntents', () => {
  let knowledge: Knowledge;
  let dir: string | undefined;
  beforeAll(() => {
    knowledge = parseKnowledge(article(), ARTICLE);
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads the 42 real intents, each named after its file', async () => {
    const intents = await loadIntents(INTENTS, knowledge);
    expect(intents).toHaveLength(42);
    const files = fs
      .readdirSync(INTENTS)
      .filter((n) => n.endsWith('.json'))
      .sort();
    expect(intents.map((i) => `${i.intent}.json`)).toEqual(files);
    expect(new Set(intents.map((i) => i.intent)).size).toBe(42);
    for (const intent of intents) expect(intent.utterances.length).toBeGreaterThanOrEqual(MIN_UTTERANCES);
  });

  it('names the file that is not JSON', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-test-'));
    fs.copyFileSync(MEMBERS, path.join(dir, 'linkedin.members.json'));
    const broken = path.join(dir, 'tianji.users.json');
    fs.writeFileSync(broken, '{"intent": "tianji.users",');
    await expect(loadIntents(dir, knowledge)).rejects.toThrow(`${broken}: is not valid JSON`);
  });

  it('names the file and field of an invalid intent', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-test-'));
    const data = readJson(MEMBERS);
    data.answer.facts = ['no-such-fact'];
    const file = path.join(dir, 'linkedin.members.json');
    fs.writeFileSync(file, JSON.stringify(data));
    await expect(loadIntents(dir, knowledge)).rejects.toThrow(`${file}: field "answer.facts[0]"`);
  });

  it('rejects a directory without intent files, and a missing directory, naming it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intents-test-'));
    fs.writeFileSync(path.join(dir, 'README.md'), 'not an intent');
    await expect(loadIntents(dir, knowledge)).rejects.toThrow(`${dir}: holds no intent files`);
    const missing = path.join(dir, 'nope');
    await expect(loadIntents(missing, knowledge)).rejects.toThrow(`${missing}: cannot be listed`);
  });
});
