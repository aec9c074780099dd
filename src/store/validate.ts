import { readFile } from 'node:fs/promises';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/** A data file (article store, intent) that is missing, unparsable or wrong; the message names file and field. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(field ? `${file}: field "${field}" ${problem}` : `${file}: ${problem}`, options);
    this.name = 'DataFileError';
  }
}

/** Reads fields of untrusted JSON, throwing a {@link DataFileError} that says which field is wrong and how. */
export class Reader {
  constructor(
    readonly file: string,
    private readonly path = '',
  ) {}

  private name(field: string | number): string {
    if (typeof field === 'number') return `${this.path}[${field}]`;
    return this.path ? `${this.path}.${field}` : field;
  }

  fail(field: string | number | null, problem: string): never {
    throw new DataFileError(this.file, field === null ? this.path || null : this.name(field), problem);
  }

  object(value: unknown, field: string | number | null = null): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Record<string, unknown>;
  }

  /** A reader for a nested object or array element, so its errors carry the full field path. */
  child(field: string | number): Reader {
    return new Reader(this.file, this.name(field));
  }

  string(obj: Record<string, unknown>, field: string): string {
    const value = obj[field];
    if (typeof value !== 'string' || value.trim() === '') this.fail(field, 'must be a non-empty string');
    return value;
  }

  optionalString(obj: Record<string, unknown>, field: string): string | undefined {
    return obj[field] === undefined ? undefined : this.string(obj, field);
  }

  integer(obj: Record<string, unknown>, field: string, min: number): number {
    const value = obj[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(field, `must be an integer of at least ${min}`);
    }
    return value;
  }

  array(obj: Record<string, unknown>, field: string, minLength = 0): unknown[] {
    const value = obj[field];
    if (!Array.isArray(value)) this.fail(field, 'must be an array');
    if (value.length < minLength) this.fail(field, `must have at least ${minLength} entries (has ${value.length})`);
    return value;
  }

  strings(obj: Record<string, unknown>, field: string, minLength = 0): string[] {
    const list = this.array(obj, field, minLength);
    const inner: Reader = this.child(field);
    return list.map((value, i): string => {
      if (typeof value !== 'string' || value.trim() === '') inner.fail(i, 'must be a non-empty string');
      return value;
    });
  }

  optionalStrings(obj: Record<string, unknown>, field: string): string[] | undefined {
    return obj[field] === undefined ? undefined : this.strings(obj, field);
  }

  oneOf<T extends string>(obj: Record<string, unknown>, field: string, allowed: readonly T[]): T {
    const value = obj[field];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    return value as T;
  }
}

/** A data file's JSON read through lowdb (as the article store is); a missing or unparsable file is a {@link DataFileError}. */
export async function readThroughLowdb(file: string): Promise<unknown> {
  const db = new Low<unknown>(new JSONFile<unknown>(file), null);
  try {
    await db.read();
  } catch (cause) {
    throw new DataFileError(file, null, `cannot be read as JSON (${(cause as Error).message})`, { cause });
  }
  if (db.data === null) throw new DataFileError(file, null, 'does not exist');
  return db.data;
}

/** Reads and parses a JSON data file; a missing or unparsable file is a {@link DataFileError} naming it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DataFileError(file, null, `cannot be read (${(cause as Error).message})`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new DataFileError(file, null, `is not valid JSON (${(cause as Error).message})`, { cause });
  }
}
