/**
 * What must still hold after the load: the server answers, and the conversations kept their context. The
 * conversation store is read from disk (snapshot and journal, safe while the server writes), so the checks
 * see what the server stored, not what it said.
 */
import type { Activity } from 'botbuilder';
import { conversationKey } from '../../src/channels/bot-framework/handler.js';
import { readStateOnDisk } from '../../src/store/conversations/store.js';
import type { Ledger, Traffic } from './traffic.js';

/** The conversation store as on disk. */
export type StoreOnDisk = ReturnType<typeof readStateOnDisk>;

/** Reads the store of `stateFile` as a new server would find it. */
export function readStore(stateFile: string): StoreOnDisk {
  return readStateOnDisk(stateFile);
}

/** The turns stored for conversation `id` of a route, or undefined when it is not stored. */
export type TurnsOf = (store: StoreOnDisk, id: string) => number | undefined;

/** Webhook conversations are kept under their own id. */
export const webhookTurns: TurnsOf = (store, id) => store.conversations[id]?.state.turns;

/** Bot Framework conversations are kept under their conversation key (the load test talks as the Emulator). */
export const activityTurns: TurnsOf = (store, id) =>
  store.conversations[conversationKey({ channelId: 'emulator', conversation: { id } as Activity['conversation'] })]
    ?.state.turns;

/** How the stored conversations of one route compare with what was sent and answered. */
export interface LedgerCheck {
  route: string;
  conversations: number;
  stored: number;
  /** Conversations whose stored turns are at least the 2xx answers and at most the requests sent. */
  consistent: number;
  /** Totals over the answered conversations: requests sent, 2xx answers, turns stored. */
  sent: number;
  answered: number;
  turns: number;
  problems: string[];
}

/**
 * Every conversation that was answered must be stored with at least as many turns as it got 2xx answers
 * (each answer is stored before it is sent) and at most as many as requests were sent to it.
 */
export function checkLedger(route: string, ledger: Ledger, store: StoreOnDisk, turnsOf: TurnsOf): LedgerCheck {
  const check: LedgerCheck = {
    route,
    conversations: 0,
    stored: 0,
    consistent: 0,
    sent: 0,
    answered: 0,
    turns: 0,
    problems: [],
  };
  for (const [id, sent] of ledger.sent) {
    const answered = ledger.answered.get(id) ?? 0;
    if (answered === 0) continue;
    check.conversations += 1;
    check.sent += sent;
    check.answered += answered;
    const turns = turnsOf(store, id);
    check.turns += turns ?? 0;
    if (turns === undefined) {
      if (check.problems.length < 5) check.problems.push(`${id}: answered ${answered} times but not stored`);
      continue;
    }
    check.stored += 1;
    if (turns >= answered && turns <= sent) check.consistent += 1;
    else if (check.problems.length < 5)
      check.problems.push(`${id}: ${turns} turns stored, ${answered} answered, ${sent} sent`);
  }
  return check;
}

/** The result of asking loaded conversations one more question. */
export interface FollowUpCheck {
  route: string;
  asked: number;
  /** Answered with 2xx, and the stored turns went from n >= 1 to n + 1: the turn read the conversation's context. */
  inContext: number;
  problems: string[];
}

/**
 * Asks each conversation in `ids` one more question and checks that it was answered and that its stored
 * turns went up by exactly one from where the load left them, which shows the new turn started from the
 * stored context rather than afresh. Run it with no other load on the server.
 */
export async function followUp(
  url: string,
  traffic: Traffic,
  ids: readonly string[],
  question: string,
  stateFile: string,
  turnsOf: TurnsOf,
  ledger: Ledger,
): Promise<FollowUpCheck> {
  const check: FollowUpCheck = { route: traffic.name, asked: 0, inContext: 0, problems: [] };
  const problem = (text: string) => {
    if (check.problems.length < 5) check.problems.push(text);
  };
  const before = readStore(stateFile);
  for (const [k, id] of ids.entries()) {
    check.asked += 1;
    const turns = turnsOf(before, id);
    ledger.add(ledger.sent, id);
    let status = 0;
    try {
      const response = await fetch(`${url}${traffic.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: traffic.body(id, question, 1_000_000_000 + k),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      problem(`${id}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (status < 200 || status >= 300) {
      problem(`${id}: answered ${status}`);
      continue;
    }
    ledger.add(ledger.answered, id);
    const after = turnsOf(readStore(stateFile), id);
    if (turns === undefined || turns < 1) problem(`${id}: had no stored context before the question`);
    else if (after !== turns + 1) problem(`${id}: stored turns went from ${turns} to ${after}, not ${turns + 1}`);
    else check.inContext += 1;
  }
  return check;
}

/** `GET /healthz`'s status, 0 when it did not answer within 5 s. */
export async function health(url: string): Promise<number> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
