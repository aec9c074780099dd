/**
 * `npm run train`: validates data/ and intents/ and trains the recognizer, printing what it learned and
 * how long it took. The server trains the same way at start-up, so after editing intents/ run this to
 * check them, then restart the server.
 */
import { loadBot } from '../bot.js';

async function main(): Promise<void> {
  const started = performance.now();
  const { knowledge, intents, recognizer } = await loadBot();
  const ms = performance.now() - started;
  const utterances = intents.reduce((n, i) => n + i.utterances.length, 0);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `article: ${knowledge.paragraphs.length} paragraphs, ${knowledge.facts.length} facts, ${knowledge.quotes.length} quotes`,
  );
  out(
    `intents: ${intents.length} (${intents.filter((i) => i.answer.fallback).length} out-of-scope), ${utterances} utterances`,
  );
  out(`recognizer: ${recognizer.featureCount} features, settings ${JSON.stringify(recognizer.options)}`);
  out(`loaded and trained in ${ms.toFixed(0)} ms`);
}

main().catch((error: unknown) => {
  process.stderr.write(`training failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
