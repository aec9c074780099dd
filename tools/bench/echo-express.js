// @ts-check
/**
 * Baseline for `npm run bench`: a bare Express 5 JSON echo. `POST /api/webhook` answers the parsed body with
 * express.json() and res.json(), nothing else; `GET /healthz` answers as the bot's does, for the cold start.
 * Plain JavaScript, run by node as it is. Listens on PORT (0: any free port) and logs `{"message":"echo ready","url":...}` once it does.
 */
import express from 'express';

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/api/webhook', express.json(), (req, res) => {
  res.json(req.body);
});

const server = app.listen(Number(process.env.PORT ?? 0), () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stderr.write(
    `${JSON.stringify({ level: 'info', message: 'echo ready', url: `http://localhost:${port}` })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
