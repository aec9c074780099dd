import { loadBot } from './src/bot.ts';
const b = await loadBot();
for (const q of process.argv.slice(2)) {
  const r = b.recognizer.recognize(q);
  const sim = (b.recognizer as any).similarity.nearest(r.ranking[0]?.intent, r.analysis.content);
  console.log(q, '=>', r.intent, JSON.stringify(r.ranking.slice(0, 3)), 'tokens', r.analysis.tokens.join(','), 'content', r.analysis.content.join(','), 'sim', sim.toFixed(2));
}
