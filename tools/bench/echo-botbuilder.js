// @ts-check
/**
 * Baseline for `npm run bench`: a bare botbuilder echo bot on the bot's Express set-up. `POST /api/messages`
 * goes through express.json() (before the adapter, as botbuilder needs under Express 5) to a CloudAdapter with
 * ConfigurationBotFrameworkAuthentication and an empty app id (open to the Emulator), and an ActivityHandler
 * that says the message's text back; with `deliveryMode: "expectReplies"` the reply comes back in the response
 * body. Plain JavaScript, run by node as it is. Listens on PORT (0: any free port) and logs `{"message":"echo ready","url":...}` once it does.
 */
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import express from 'express';

const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
const adapter = new CloudAdapter(auth);

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(context.activity.text ?? '');
      await next();
    });
  }
}
const bot = new EchoBot();

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/api/messages', express.json(), async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});

const server = app.listen(Number(process.env.PORT ?? 0), () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stderr.write(
    `${JSON.stringify({ level: 'info', message: 'echo ready', url: `http://localhost:${port}` })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
