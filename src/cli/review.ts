/**
 * `npm run review`: the questions the bot fell back on or answered unsure, most often asked first, each with the
 * intents it came nearest to, so an editor knows which utterance to add where (or which fact the article lacks).
 * Reads UNANSWERED_FILE (var/unanswered.json by default), which the server keeps unless RECORD_UNANSWERED=0, or
 * with REDIS_URL set the review every instance keeps in Redis.
 *
 *   npm run review                 the 20 most frequent
 *   npm run review -- --limit 50   more
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readConfig } from '../config.js';
import { createLogger } from '../log.js';
import { SharedRedis } from '../store/redis/client.js';
import { redactedUrl } from '../store/redis/shared.js';
import { RedisUnanswered } from '../store/redis/unanswered.js';
import { UnansweredLog, type UnansweredQuestion } from '../store/unanswered.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string', default: '20' } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`--limit must be a whole number above 0, got ${values.limit}`);
  const config = readConfig();
  const out = (line = '') => process.stdout.write(`${line}\n`);
  if (!config.unansweredFile) {
    out('RECORD_UNANSWERED=0: the server keeps no review of unanswered questions.');
    return;
  }
  let questions: UnansweredQuestion[];
  let where: string;
  if (config.redis) {
    const redis = await SharedRedis.connect(config.redis, createLogger('warn'));
    try {
      questions = await new RedisUnanswered(redis, createLogger('warn')).list();
    } finally {
      await redis.close();
    }
    where = `Redis ${redactedUrl(config.redis.url)} (prefix ${config.redis.prefix})`;
  } else {
    if (!existsSync(config.unansweredFile)) {
      out(`No unanswered questions yet (${config.unansweredFile} does not exist).`);
      return;
    }
    const log = await UnansweredLog.open(config.unansweredFile, { flushIntervalMs: 0 });
    questions = await log.list();
    where = config.unansweredFile;
  }
  out(`${questions.length} unanswered questions in ${where}; the ${Math.min(limit, questions.length)} asked most:`);
  for (const q of questions.slice(0, limit)) {
    const nearest = q.nearest.map((n) => `${n.intent} ${n.score.toFixed(2)}`).join(', ') || '(none)';
    out();
    out(`${String(q.count).padStart(5)} x  "${q.text}"  (${q.outcome}, last ${q.lastSeen.slice(0, 10)})`);
    out(`         nearest: ${nearest}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`review failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
