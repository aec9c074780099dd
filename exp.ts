import { loadBot } from './src/bot.ts';
const b = await loadBot();
const q = process.argv[2]!;
const r = b.recognizer.recognize(q);
console.log(JSON.stringify({ intent: r.intent, conf: r.confidence, ranking: r.ranking.slice(0,3), content: r.analysis.content, mentions: r.analysis.mentions }));
console.log(b.engine.respond(q).reply.text);
