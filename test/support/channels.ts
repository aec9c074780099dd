import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { type AppDeps, createApp } from '../../src/app.js';
import type { Bot } from '../../src/bot.js';
import type { ChannelDeps } from '../../src/channels/channel.js';
import type { ChannelSettings } from '../../src/channels/index.js';
import { BackgroundWork } from '../../src/conversation/background.js';
import { memoryDedupe } from '../../src/conversation/once.js';
import { Turns } from '../../src/conversation/turns.js';
import type { ConversationState, Reply } from '../../src/core/types.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { Snapshot } from '../../src/store/conversations/state-file.js';
import { type ConversationStore, LowConversationStore, readStateOnDisk } from '../../src/store/conversations/store.js';
import { sharedBot } from './article.js';
import { exited, type RunningServer, startServer } from './server.js';

/** A logger that keeps every line it writes, for tests to read back. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly logger: Logger = createLogger('debug', (line) => this.lines.push(line));

  /** The lines parsed, only those with `message` when it is given. */
  entries(message?: string): Record<string, any>[] {
    const all = this.lines.map((line) => JSON.parse(line) as Record<string, any>);
    return message === undefined ? all : all.filter((entry) => entry.message === message);
  }

  /**
   * Resolves with the first entry with `message` that `matches` accepts, once it is logged (work a channel
   * does after its response logs later); fails after `timeoutMs`.
   */
  waitFor(
    message: string,
    matches: (entry: Record<string, any>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Record<string, any>> {
    return vi.waitFor(
      () => {
        const entry = this.entries(message).find(matches);
        if (!entry) throw new Error(`no "${message}" logged within ${timeoutMs} ms`);
        return entry;
      },
      { timeout: timeoutMs, interval: 5 },
    );
  }

  /** Everything logged as one string, to check that no secret is in it. */
  text(): string {
    return this.lines.join('\n');
  }

  clear(): void {
    this.lines.length = 0;
  }
}

/**
 * Wraps a store to count turns per conversation (a test can tell whether a conversation advanced) and,
 * while `failing` is set, to count and then reject every turn.
 */
export class CountingStore implements ConversationStore {
  readonly turns = new Map<string, number>();
  failing = false;

  constructor(private readonly inner: ConversationStore) {}

  transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T> {
    this.turns.set(id, (this.turns.get(id) ?? 0) + 1);
    if (this.failing) return Promise.reject(new Error('disk full'));
    return this.inner.transact(id, turn);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  unwritable(): Promise<string | null> {
    return this.inner.unwritable?.() ?? Promise.resolve(null);
  }

  /** Turns taken in all conversations. */
  get total(): number {
    return [...this.turns.values()].reduce((a, b) => a + b, 0);
  }
}

/** A conversation store every turn of which fails with `message`, as a full or unreadable disk would. */
export function brokenStore(message: string): ConversationStore {
  return { transact: () => Promise.reject(new Error(message)), close: async () => {} };
}

/** What {@link useChannelEnv} sets up; its fields are filled in before the file's first test. */
export interface ChannelEnv {
  bot: Bot;
  /** A temporary directory of the file's own, removed after its tests. */
  dir: string;
  /** `conversations.json` in `dir`, where `store` keeps its state. */
  stateFile: string;
  store: LowConversationStore;
  /** `store`, counting turns: the conversations of every app `app()` builds. */
  counting: CountingStore;
  /** The log of every app `app()` builds. */
  logs: LogCapture;
  /** The app as main builds it, with `channels` mounted (none by default); `deps` replaces any part. */
  app(channels?: Partial<ChannelSettings>, deps?: Partial<AppDeps>): Express;
  /** What one channel's routes are built from, as the app builds it: the file's store and log unless `parts` says. */
  channelDeps(parts?: { logger?: Logger; conversations?: ConversationStore }): ChannelDeps;
}

/**
 * Registers the hooks that give a test file the trained bot and a conversation store in a temporary
 * directory (closed and removed after the file's tests), and returns them with an app factory. Call it at
 * the top of the file.
 */
export function useChannelEnv(prefix: string): ChannelEnv {
  const env = {
    logs: new LogCapture(),
    app(channels: Partial<ChannelSettings> = {}, deps: Partial<AppDeps> = {}): Express {
      return createApp({
        engine: env.bot.engine,
        conversations: env.counting,
        logger: env.logs.logger,
        channels,
        ...deps,
      });
    },
    channelDeps(parts: { logger?: Logger; conversations?: ConversationStore } = {}): ChannelDeps {
      return {
        turns: new Turns({ engine: env.bot.engine, conversations: parts.conversations ?? env.counting }),
        logger: parts.logger ?? env.logs.logger,
        background: new BackgroundWork(),
        dedupe: memoryDedupe,
      };
    },
  } as ChannelEnv;
  beforeAll(async () => {
    env.bot = await sharedBot();
    env.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    env.stateFile = path.join(env.dir, 'conversations.json');
    env.store = await LowConversationStore.open(env.stateFile);
    env.counting = new CountingStore(env.store);
  });
  afterAll(async () => {
    await env.store?.close();
    if (env.dir) fs.rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}

/** The server {@link useRealServer} started; filled in by its `beforeAll`. */
export interface RealServer {
  server: RunningServer;
  /** The STATE_FILE it was started with, in a temporary directory of its own. */
  stateFile: string;
}

/**
 * Registers the hooks that start the server as `npm start` does, with STATE_FILE in a fresh temporary
 * directory and the variables `env()` returns (called in `beforeAll`, so it may use what earlier hooks
 * started), and that stop it and remove the directory afterwards.
 */
export function useRealServer(prefix: string, env: () => Record<string, string>): RealServer {
  const real = {} as RealServer;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    real.stateFile = path.join(dir, 'state.json');
    real.server = await startServer({ STATE_FILE: real.stateFile, ...env() });
  });
  afterAll(async () => {
    if (real.server) {
      real.server.child.kill('SIGKILL');
      await exited(real.server.child);
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return real;
}

/** The state `file` holds on disk right now, to check that a turn was stored before its reply went out. */
export function readStateFile(file: string): Snapshot {
  return readStateOnDisk(file);
}

/** A reply with the given fields and empty or neutral others, for formatting tests. */
export function makeReply(fields: Partial<Reply>): Reply {
  return {
    lang: 'en',
    text: '',
    intent: 'x',
    confidence: 1,
    fallback: false,
    sources: [],
    quotes: [],
    suggestions: [],
    ...fields,
  };
}

/**
 * Checks the error contract every route keeps: `status`, a JSON body that is exactly
 * `{ "error": { "code", "message" } }` (with `code` when given), and no stack trace, source path or HTML.
 * Returns the error.
 */
export function expectJsonError(
  res: { status: number; headers: Record<string, unknown>; text: string },
  status: number,
  code?: string,
): { code: string; message: string } {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toEqual(expect.any(String));
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  // No stack trace lines ("    at fn (file:1:2)"), no source paths, no HTML.
  expect(res.text).not.toMatch(/\bat \S+ \(|\n\s+at |\.[cm]?[jt]s:\d+|node_modules|\/work\//);
  expect(res.text).not.toMatch(/<html|<pre|<!DOCTYPE|<body/i);
  return body.error;
}
