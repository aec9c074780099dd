/** The process environment, or a plain object standing for it (tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A configuration value that cannot be used; the message names the variable and how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads variables as start-up does: trimmed, and blank counts as unset (as .env.example leaves them). Each
 * method throws a {@link ConfigError} naming the variable, and never puts a secret's value into the message.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  /** The variable's value, trimmed; null when it is unset or blank. */
  text(name: string): string | null {
    READ.add(name);
    const value = this.env[name]?.trim();
    return value ? value : null;
  }

  /** A whole number of at most nine digits (0 for none), or `fallback` when unset. */
  count(name: string, fallback: number): number {
    const text = this.text(name);
    if (text === null) return fallback;
    if (!/^\d{1,9}$/.test(text)) {
      throw new ConfigError(name, `must be a whole number (0 for none), got ${JSON.stringify(text)}`);
    }
    return Number(text);
  }

  /** A number of hours above 0 and at most a year (`fallback` when unset), in milliseconds. */
  hours(name: string, fallback: number): number {
    const text = this.text(name);
    const n = text === null ? fallback : Number(text);
    if (!Number.isFinite(n) || n <= 0 || n > 24 * 366 || (text !== null && !/^\d+(\.\d+)?$/.test(text))) {
      throw new ConfigError(name, `must be a number of hours above 0 and at most a year, got ${JSON.stringify(text)}`);
    }
    return Math.round(n * 3_600_000);
  }

  /** An http(s) URL without its trailing slashes, or `fallback` when unset. */
  httpUrl(name: string, fallback: string): string {
    const url = this.text(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(url)}`);
    }
    return url.replace(/\/+$/, '');
  }

  /**
   * The variables of a platform go together: false when none of `required` and `optional` is set (the
   * platform is off), true when every one of `required` is; a {@link ConfigError} naming the first missing
   * one, and how to turn the platform off instead, when only some are.
   */
  together(platform: string, required: readonly string[], optional: readonly string[] = []): boolean {
    const given = [...required, ...optional].filter((name) => this.text(name) !== null);
    if (given.length === 0) return false;
    const missing = required.find((name) => this.text(name) === null);
    if (missing) {
      throw new ConfigError(
        missing,
        `is required for ${platform} because ${given.join(', ')} is set (or unset ${given.join(', ')} to turn ${platform} off)`,
      );
    }
    return true;
  }
}

/** Every variable name start-up has read, whatever reader read it: what the bot knows. */
const READ = new Set<string>();

/**
 * Variables that look meant for the bot but are none of those it reads: a name sharing its first part with a
 * known one (`RATE_LIMIT_PER_ADRESS` beside `RATE_LIMIT_PER_ADDRESS`, `MicrosoftAppPasword`), each with the
 * known name nearest to it. Call after the configuration has been read.
 */
export function misspeltVariables(env: Env): { name: string; meant: string }[] {
  const known = [...READ];
  const prefixOf = (name: string) => /^(Microsoft|[A-Z]+_)/.exec(name)?.[1] ?? null;
  const prefixes = new Set(known.map(prefixOf).filter((p): p is string => p !== null));
  const out: { name: string; meant: string }[] = [];
  for (const name of Object.keys(env)) {
    const prefix = prefixOf(name);
    if (READ.has(name) || prefix === null || !prefixes.has(prefix)) continue;
    const meant = known.filter((k) => prefixOf(k) === prefix).sort((a, b) => distance(name, a) - distance(name, b))[0]!;
    out.push({ name, meant });
  }
  return out;
}

/** Levenshtein distance between two names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
