/**
 * `npm run chat`: talk to the bot in the terminal. Same engine as the server, on the article ARTICLE_DIR
 * names (the project's own by default), with follow-up questions resolved against this session's
 * conversation. Type "quit" (or press Ctrl-D) to leave.
 */
import readline from 'node:readline/promises';
import { loadBot } from '../bot.js';
import { SUGGESTIONS_HEADING } from '../channels/format.js';
import { readConfig } from '../config.js';
import { emptyState, type Reply } from '../core/types.js';

function format(reply: Reply): string {
  const lines = [reply.text];
  if (reply.suggestions.length > 0) lines.push(`  ${SUGGESTIONS_HEADING[reply.lang]}${reply.suggestions.join(' | ')}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { engine } = await loadBot(readConfig().articleDir);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const say = (text: string) => process.stdout.write(`${text}\n`);
  let state = emptyState();
  say(format(engine.welcome()));
  say('(Type "quit" to leave.)');
  rl.setPrompt('> ');
  rl.prompt();
  for await (const line of rl) {
    const question = line.trim();
    if (/^(quit|exit|:q)$/i.test(question)) break;
    if (question.length > 0) {
      const turn = engine.respond(question, state);
      state = turn.state;
      say(format(turn.reply));
    }
    rl.prompt();
  }
  rl.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`chat failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
