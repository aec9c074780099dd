import type { Fact, FactDetails, Knowledge, Organization, Paragraph, Person, Place, Quote } from '../core/types.js';
import { type DataFileError, Reader, readThroughLowdb } from './validate.js';

/**
 * Reads the article store (data/article.json) through lowdb and validates it: every record has its fields,
 * ids are unique, and every reference (a fact's subject, a quote's speaker, a person's organization)
 * points at a record that exists. Throws a {@link DataFileError} naming the file and field otherwise.
 */
export async function loadKnowledge(file: string): Promise<Knowledge> {
  return parseKnowledge(await readThroughLowdb(file), file);
}

/** Validates parsed article JSON; `file` is only used in error messages. */
export function parseKnowledge(data: unknown, file: string): Knowledge {
  const r = new Reader(file);
  const root = r.object(data);
  const source = r.object(root.source, 'source');
  const each = <T>(field: string, parse: (obj: Record<string, unknown>, at: Reader) => T): T[] =>
    r.array(root, field, 1).map((value, i) => {
      const at = r.child(field).child(i);
      return parse(at.object(value), at);
    });

  const knowledge: Knowledge = {
    title: r.string(root, 'title'),
    source: {
      name: r.child('source').string(source, 'name'),
      copyright: r.child('source').string(source, 'copyright'),
    },
    paragraphs: each<Paragraph>('paragraphs', (o, at) => ({
      number: at.integer(o, 'number', 1),
      text: at.string(o, 'text'),
    })),
    facts: each<Fact>('facts', (o, at) => {
      const fact: Fact = {
        id: at.string(o, 'id'),
        statement: at.string(o, 'statement'),
        subject: at.string(o, 'subject'),
        paragraph: o.paragraph === null ? null : at.integer(o, 'paragraph', 1),
        source: at.string(o, 'source'),
      };
      if (o.details !== undefined)
        fact.details = parseDetails(at.object(o.details, 'details'), at.child('details'), fact.source);
      const scope = at.optionalStrings(o, 'scope');
      if (scope) fact.scope = scope;
      return fact;
    }),
    quotes: each<Quote>('quotes', (o, at) => ({
      id: at.string(o, 'id'),
      text: at.string(o, 'text'),
      speaker: at.string(o, 'speaker'),
      paragraph: at.integer(o, 'paragraph', 1),
    })),
    people: each<Person>('people', (o, at) => ({
      id: at.string(o, 'id'),
      name: at.string(o, 'name'),
      aliases: at.strings(o, 'aliases'),
      role: at.string(o, 'role'),
      organization: at.string(o, 'organization'),
      pronoun: at.oneOf(o, 'pronoun', ['he', 'she'] as const),
    })),
    organizations: each<Organization>('organizations', (o, at) => ({
      id: at.string(o, 'id'),
      name: at.string(o, 'name'),
      aliases: at.strings(o, 'aliases'),
      description: at.string(o, 'description'),
    })),
    places: each<Place>('places', (o, at) => {
      const place: Place = {
        id: at.string(o, 'id'),
        name: at.string(o, 'name'),
        aliases: at.strings(o, 'aliases'),
        type: o.type === undefined ? 'region' : at.oneOf(o, 'type', ['city', 'country', 'region'] as const),
      };
      const within = at.optionalString(o, 'in');
      if (within) place.in = within;
      return place;
    }),
  };
  checkReferences(knowledge, r);
  return knowledge;
}

const DETAIL_FIELDS = ['figure', 'when', 'said', 'where', 'compared', 'why'] as const;

/** A fact's details: each a phrase of the fact's source sentence, verbatim; `by` an entity id (checked later). */
function parseDetails(o: Record<string, unknown>, at: Reader, source: string): FactDetails {
  const details: FactDetails = {};
  for (const key of Object.keys(o)) {
    if (key !== 'by' && !(DETAIL_FIELDS as readonly string[]).includes(key))
      at.fail(key, `is not a detail (${[...DETAIL_FIELDS, 'by'].join(', ')})`);
  }
  for (const key of DETAIL_FIELDS) {
    const value = at.optionalString(o, key);
    if (value === undefined) continue;
    if (!source.includes(value))
      at.fail(key, `must be words of the fact's source sentence, verbatim: ${JSON.stringify(value)}`);
    details[key] = value;
  }
  const by = at.optionalString(o, 'by');
  if (by !== undefined) details.by = by;
  return details;
}

function checkReferences(k: Knowledge, r: Reader): void {
  const ids = new Set<string>();
  const unique = (field: string, list: { id: string }[]) =>
    list.forEach((item, i) => {
      if (ids.has(item.id))
        r.child(field)
          .child(i)
          .fail('id', `repeats the id ${JSON.stringify(item.id)}`);
      ids.add(item.id);
    });
  unique('facts', k.facts);
  unique('quotes', k.quotes);
  const entities = new Set<string>();
  for (const list of [k.people, k.organizations, k.places]) for (const e of list) entities.add(e.id);
  unique('people', k.people);
  unique('organizations', k.organizations);
  unique('places', k.places);

  const paragraphs = new Set(k.paragraphs.map((p) => p.number));
  const organizations = new Set(k.organizations.map((o) => o.id));
  const people = new Set(k.people.map((p) => p.id));
  const places = new Set(k.places.map((p) => p.id));
  k.facts.forEach((f, i) => {
    if (!entities.has(f.subject))
      r.child('facts').child(i).fail('subject', `names no person, organization or place: ${f.subject}`);
    const by = f.details?.by;
    if (by !== undefined && !people.has(by) && !organizations.has(by)) {
      r.child('facts').child(i).child('details').fail('by', `names no person or organization: ${by}`);
    }
    f.scope?.forEach((p, s) => {
      if (p !== 'world' && !places.has(p))
        r.child('facts').child(i).child('scope').fail(s, `names no place (or "world"): ${p}`);
    });
    if (f.paragraph !== null && !paragraphs.has(f.paragraph))
      r.child('facts').child(i).fail('paragraph', `is not a paragraph number`);
  });
  k.quotes.forEach((q, i) => {
    if (!people.has(q.speaker)) r.child('quotes').child(i).fail('speaker', `names no person: ${q.speaker}`);
    if (!paragraphs.has(q.paragraph)) r.child('quotes').child(i).fail('paragraph', `is not a paragraph number`);
  });
  k.places.forEach((p, i) => {
    if (p.in !== undefined && !places.has(p.in)) r.child('places').child(i).fail('in', `names no place: ${p.in}`);
  });
  k.people.forEach((p, i) => {
    if (!organizations.has(p.organization))
      r.child('people').child(i).fail('organization', `names no organization: ${p.organization}`);
  });
}
