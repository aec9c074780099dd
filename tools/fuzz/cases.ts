/**
 * What a fuzz case is and how the route arbitraries are put together: a draft request (body, headers, query)
 * goes through the route's authentication, right or forged, then optional damage and transport variations
 * (another method, Content-Encoding, chunked, odd paths and headers), and comes out as the bytes sent.
 */
import fc from 'fast-check';
import {
  contentEncoding,
  contentType,
  extraMembers,
  fieldValue,
  headerValue,
  hostileString,
  jsonBytes,
  junkBody,
  Members,
  mutation,
  oneof,
  otherMethod,
  PROTO_WORDS,
  percentEncode,
} from './arbitraries.js';

/** The public routes fuzzed, each with its own arbitrary. */
export const ROUTES = ['webhook', 'messages', 'telegram', 'slack', 'wechat', 'line'] as const;
export type RouteName = (typeof ROUTES)[number];

/** Where each route is mounted. */
export const ROUTE_PATHS: Record<RouteName, string> = {
  webhook: '/api/webhook',
  messages: '/api/messages',
  telegram: '/api/telegram',
  slack: '/api/slack/events',
  wechat: '/api/wechat',
  line: '/api/line',
};

/** Body limits of the routes, in bytes (see each channel). */
const LIMITS: Record<RouteName, number> = {
  webhook: 16 * 1024,
  messages: 64 * 1024,
  telegram: 64 * 1024,
  slack: 64 * 1024,
  wechat: 64 * 1024,
  line: 256 * 1024,
};

/** The test configuration's secrets: none of them may ever appear in a log line. */
export const SECRETS = {
  webhookSecret: 'fuzz-webhook-secret-5f0c9a1e7b3d',
  telegramSecretToken: 'fuzz_telegram_secret_token_8c2e4a6b',
  slackSigningSecret: 'fuzzslacksigningsecret3a9d7c1e5b2f',
  slackBotToken: 'xoxb-fuzz-bot-token-6e1f3b8d2a4c',
  wechatToken: 'fuzzWechatToken7d2c',
  wechatEncodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  lineChannelSecret: 'fuzz-line-channel-secret-9b4e2d7a1c',
  lineAccessToken: 'fuzz-line-access-token-4f8a2c6e0d',
} as const;

/** Not a secret (WeChat shows it publicly), but the cipher needs it. */
export const WECHAT_APP_ID = 'wxfuzz5a7c9e1b3d';

/** One request, exactly as it goes out. */
export interface FuzzCase {
  route: RouteName;
  /** What the generator meant to exercise, e.g. "valid", "junk:deep-array", "forged:missing". */
  kind: string;
  method: string;
  /** Path and query, already percent-encoded as sent. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Sent in several chunks with Transfer-Encoding: chunked instead of Content-Length. */
  chunked: boolean;
}

/** A case under construction: the query as a list of parameters (repeats allowed; values may be raw bytes). */
export interface Draft {
  kind: string[];
  method: string;
  path: string;
  query: [string, string | Buffer][];
  headers: Record<string, string | string[]>;
  body: Buffer;
  chunked: boolean;
}

/** Something applied to a draft, with what it does for the case's `kind`. */
export interface Step {
  kind: string;
  apply: (draft: Draft) => void;
}

/** A step named `kind` (empty: nothing worth naming) doing `apply`. */
export const step = (kind: string, apply: (draft: Draft) => void): Step => ({ kind, apply });
const noStep = step('', () => {});

/** Bodies of a route: valid payloads, damaged payloads and junk. */
export interface BodySource {
  kind: string;
  body: Buffer;
}

/** How a route is fuzzed: its valid payloads, its authentication (right and wrong), its content types. */
export interface RouteSpec {
  route: RouteName;
  method: string;
  contentTypes: readonly string[];
  /** Structurally valid payloads with fuzzed field values. */
  payload: fc.Arbitrary<BodySource>;
  /** Right authentication (most often) or a forged, missing or stale one; applied once the body is final. */
  auth: fc.Arbitrary<Step>;
  /** Extra ways to build the whole draft (WeChat's GET check, safe mode); optional. */
  custom?: fc.Arbitrary<Draft>;
}

/** The body a case starts from: mostly valid payloads, some damaged before or after signing, some junk. */
function bodySource(spec: RouteSpec): fc.Arbitrary<{ source: BodySource; after: Step }> {
  const none = { after: noStep };
  const limit = LIMITS[spec.route];
  return oneof(
    { weight: 10, arbitrary: spec.payload.map((source) => ({ source, ...none })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(spec.payload, mutation())
        .map(([p, m]) => ({ source: { kind: `${p.kind}+${m.kind}`, body: m.apply(p.body) }, ...none })),
    },
    {
      weight: 3,
      arbitrary: junkBody(limit).map((j) => ({ source: { kind: `junk:${j.kind}`, body: j.body }, ...none })),
    },
    {
      // Damaged after signing: the signature no longer matches.
      weight: 1,
      arbitrary: fc.tuple(spec.payload, mutation()).map(([p, m]) => ({
        source: p,
        after: step(`then-${m.kind}`, (d) => (d.body = m.apply(d.body))),
      })),
    },
  );
}

/** Transport variations, mostly none: another method, Content-Encoding, chunked, odd paths, odd headers. */
function transport(route: RouteName): fc.Arbitrary<Step[]> {
  const method = otherMethod().map((m) => step(`method:${m}`, (d) => (d.method = m)));
  const encoding = contentEncoding().map((e) =>
    step(`encoding:${e.kind}`, (d) => {
      d.body = e.encode(d.body);
      d.headers['content-encoding'] = e.header;
    }),
  );
  const chunked = fc.constant(step('chunked', (d) => (d.chunked = true)));
  const base = ROUTE_PATHS[route];
  const pathVariant = fc
    .constantFrom(
      `${base}/`,
      base.toUpperCase(),
      `${base}/extra`,
      base.replace('/api/', '/api//'),
      `${base}%2F`,
      `${base};x=1`,
      `${base}/..`,
      `${base}%00`,
    )
    .map((p) => step(`path:${p}`, (d) => (d.path = p)));
  const requestId = headerValue().map((v) => step('x-request-id', (d) => (d.headers['x-request-id'] = v)));
  const oddHeader = fc
    .tuple(
      fc.constantFrom(
        'x-forwarded-for',
        'x-http-method-override',
        'accept',
        'accept-charset',
        'cookie',
        'expect-ct',
        'x-fuzz',
      ),
      headerValue(),
    )
    .map(([name, v]) => step(`header:${name}`, (d) => (d.headers[name] = v)));
  const one = oneof(
    { weight: 3, arbitrary: method },
    { weight: 2, arbitrary: encoding },
    { weight: 2, arbitrary: chunked },
    { weight: 2, arbitrary: pathVariant },
    { weight: 1, arbitrary: requestId },
    { weight: 1, arbitrary: oddHeader },
  );
  return oneof(
    { weight: 7, arbitrary: fc.constant<Step[]>([]) },
    { weight: 2, arbitrary: fc.array(one, { minLength: 1, maxLength: 2 }) },
  );
}

/** Turns a draft into the case that is sent: the query encoded onto the path, and a readable `toString`. */
export function finish(route: RouteName, draft: Draft): FuzzCase {
  const query = draft.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  const c: FuzzCase = {
    route,
    kind: draft.kind.filter(Boolean).join(' '),
    method: draft.method,
    path: query ? `${draft.path}${draft.path.includes('?') ? '&' : '?'}${query}` : draft.path,
    headers: draft.headers,
    body: draft.body,
    chunked: draft.chunked,
  };
  Object.defineProperty(c, fc.toStringMethod, { value: () => describeCase(c), enumerable: false });
  return c;
}

/** A short description of a case for failure messages: everything but a long body, which is cut. */
export function describeCase(c: FuzzCase): string {
  const preview = c.body.subarray(0, 1500).toString('utf8');
  const more = c.body.length > 1500 ? `… (${c.body.length} bytes)` : '';
  const target = c.path.length > 300 ? `${c.path.slice(0, 300)}… (${c.path.length} characters)` : c.path;
  return `${c.method} ${target} [${c.kind}] headers=${JSON.stringify(c.headers)} chunked=${c.chunked} body=${JSON.stringify(preview)}${more}`;
}

/** The arbitrary of a route from its spec: body, content type, authentication, transport. */
export function routeArbitrary(spec: RouteSpec): fc.Arbitrary<FuzzCase> {
  const standard = fc
    .record({
      body: bodySource(spec),
      type: contentType(spec.contentTypes),
      auth: spec.auth,
      transport: transport(spec.route),
    })
    .map(({ body, type, auth, transport: steps }) => {
      const draft: Draft = {
        kind: [body.source.kind, type === spec.contentTypes[0] ? '' : `type:${type ?? 'none'}`],
        method: spec.method,
        path: ROUTE_PATHS[spec.route],
        query: [],
        headers: type === undefined ? {} : { 'content-type': type },
        body: body.source.body,
        chunked: false,
      };
      auth.apply(draft);
      draft.kind.push(auth.kind);
      body.after.apply(draft);
      draft.kind.push(body.after.kind);
      for (const s of steps) {
        s.apply(draft);
        draft.kind.push(s.kind);
      }
      return finish(spec.route, draft);
    });
  if (!spec.custom) return standard;
  const custom = fc.tuple(spec.custom, transport(spec.route)).map(([generated, steps]) => {
    // Generated values are reused while shrinking, so the steps change a copy.
    const draft: Draft = {
      ...generated,
      kind: [...generated.kind],
      query: [...generated.query],
      headers: { ...generated.headers },
    };
    for (const s of steps) {
      s.apply(draft);
      draft.kind.push(s.kind);
    }
    return finish(spec.route, draft);
  });
  return oneof({ weight: 1, arbitrary: standard }, { weight: 1, arbitrary: custom });
}

/** An object with some members left out: an `undefined` value is not written. */
export function payload(kind: string, members: fc.Arbitrary<[string, unknown][]>): fc.Arbitrary<BodySource> {
  return fc.tuple(members, extraMembers()).map(([own, extra]) => ({
    kind: extra.length > 0 ? `${kind}+extra-members` : kind,
    body: jsonBytes(new Members([...own, ...extra])),
  }));
}

/** Mostly `value`, sometimes absent (undefined, so not written) or a hostile value of any type. */
export function usually<T>(value: fc.Arbitrary<T>, weight = 6): fc.Arbitrary<T | unknown> {
  return oneof(
    { weight, arbitrary: value },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fieldValue() },
  );
}

/** An id: mostly short and plain, sometimes hostile or named after an Object.prototype member. */
export const smallId = () =>
  oneof(
    fc.nat({ max: 50 }).map((n) => `id-${n}`),
    hostileString(),
    fc.constantFrom(...PROTO_WORDS),
  );
/** Lowercase hex of exactly `length` digits. */
export const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** Forged values of a secret header: missing, wrong, nearly right, repeated. */
export function forgedHeader(name: string, right: (d: Draft) => string): fc.Arbitrary<Step> {
  return oneof(
    fc.constant(step('forged:missing', (d) => delete d.headers[name])),
    headerValue().map((v) => step('forged:random', (d) => (d.headers[name] = v))),
    fc.constant(step('forged:empty', (d) => (d.headers[name] = ''))),
    fc.constant(step('forged:uppercased', (d) => (d.headers[name] = right(d).toUpperCase()))),
    fc.constant(step('forged:truncated', (d) => (d.headers[name] = right(d).slice(0, -1)))),
    fc.constant(step('forged:repeated', (d) => (d.headers[name] = [right(d), right(d)]))),
    fc.constant(step('forged:padded', (d) => (d.headers[name] = `${right(d)}x`))),
  );
}

/** The valid authentication seven times in ten, a forged one otherwise. */
export function authOf(valid: Step, forged: fc.Arbitrary<Step>): fc.Arbitrary<Step> {
  return oneof({ weight: 7, arbitrary: fc.constant(valid) }, { weight: 3, arbitrary: forged });
}
