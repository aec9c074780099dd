/**
 * The load of `npm run loadtest`: realistic questions spread over many conversations, sent by autocannon
 * on loopback, with a ledger of what each conversation was sent and answered so that its stored context can
 * be checked afterwards.
 */
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

/** One route under load: how its requests look and which conversation each belongs to. */
export interface Traffic {
  /** For the report, e.g. "POST /api/messages (expectReplies)". */
  name: string;
  path: string;
  /** The id of conversation `i` as the route sees it (its key in the conversation store follows from it). */
  conversationId: (i: number) => string;
  /** The request body asking `question` in conversation `id`; `n` numbers the request. */
  body: (id: string, question: string, n: number) => string;
}

/** Requests sent and 2xx answers received, per conversation id. */
export class Ledger {
  readonly sent = new Map<string, number>();
  readonly answered = new Map<string, number>();

  add(map: Map<string, number>, id: string): void {
    map.set(id, (map.get(id) ?? 0) + 1);
  }
}

/** What one run of load measured. */
export interface LoadFigures {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  ok: number;
  /** Connection errors, timeouts included (autocannon's `errors`). */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses by status code. */
  byStatus: Record<string, number>;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number; mean: number };
}

/** The held-out questions (test/fixtures/heldout.json): questions people ask, none of them in intents/. */
export async function loadQuestions(file: string): Promise<string[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of {"q": "..."}`);
  const questions = parsed
    .map((item) => (item as { q?: unknown }).q)
    .filter((q): q is string => typeof q === 'string' && q.trim() !== '');
  if (questions.length === 0) throw new Error(`${file}: no questions found`);
  return questions;
}

/** `POST /api/webhook` with `{ text, conversationId, userId }`. */
export function webhookTraffic(): Traffic {
  return {
    name: 'POST /api/webhook',
    path: '/api/webhook',
    conversationId: (i) => `loadtest-webhook-${i}`,
    body: (id, question) => JSON.stringify({ text: question, conversationId: id, userId: `user-${id}` }),
  };
}

/**
 * `POST /api/messages` with Emulator-shaped message activities asking for the replies in the response
 * (`deliveryMode: "expectReplies"`), so nothing is posted to `serviceUrl` (a closed port on loopback).
 */
export function activityTraffic(): Traffic {
  return {
    name: 'POST /api/messages (expectReplies)',
    path: '/api/messages',
    conversationId: (i) => `loadtest-activity-${i}`,
    body: (id, question, n) =>
      JSON.stringify({
        type: 'message',
        id: `loadtest-${n}`,
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:9',
        from: { id: `user-${id}`, name: 'Load test', role: 'user' },
        recipient: { id: 'article-bot', name: 'Article bot', role: 'bot' },
        conversation: { id },
        text: question,
        textFormat: 'plain',
        locale: 'en-US',
        deliveryMode: 'expectReplies',
      }),
  };
}

/** Options of one run. */
export interface DriveOptions {
  connections: number;
  durationSeconds: number;
  conversations: number;
  questions: readonly string[];
  /** Where sent and answered requests are counted; omitted for warm-up. */
  ledger?: Ledger;
}

interface Context {
  conversation?: string;
}

/**
 * Loads `url` + `traffic.path` from `connections` connections for `durationSeconds`. Request n goes to
 * conversation n mod `conversations` and asks question n x stride mod the number of questions, the stride
 * coprime with that number, so every conversation hears a varied series of questions. localhost is
 * replaced by 127.0.0.1.
 */
export async function drive(url: string, traffic: Traffic, options: DriveOptions): Promise<LoadFigures> {
  const { questions, conversations, ledger } = options;
  const stride = coprimeStride(questions.length);
  let n = 0;
  const result = await autocannon({
    url: url.replace('//localhost:', '//127.0.0.1:'),
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        path: traffic.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request, context) => {
          const i = n++;
          const id = traffic.conversationId(i % conversations);
          (context as Context).conversation = id;
          if (ledger) ledger.add(ledger.sent, id);
          const question = questions[(i * stride) % questions.length]!;
          return { ...request, body: traffic.body(id, question, i) };
        },
        onResponse: (status, _body, context) => {
          const id = (context as Context).conversation;
          if (ledger && id !== undefined && status >= 200 && status < 300) ledger.add(ledger.answered, id);
        },
      },
    ],
  });
  const byStatus: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) byStatus[code] = stats.count ?? 0;
  const requests = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
  return {
    seconds: result.duration,
    requests,
    requestsPerSecond: requests / result.duration,
    ok: result['2xx'],
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    byStatus,
    latencyMs: {
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
  };
}

/** The smallest whole number from 7 up that shares no factor with `count`. */
function coprimeStride(count: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = 7;
  while (gcd(stride, count) !== 1) stride++;
  return stride;
}
