import { loadBot } from './src/bot.ts';
const b = await loadBot();
for (const q of process.argv.slice(2)) { const r = b.engine.respond(q).reply; console.log(q, '=>', r.intent, '|', r.text.slice(0, 100), '|', JSON.stringify(r.suggestions)); }
