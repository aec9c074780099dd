import path from 'node:path';
import express, { type Router } from 'express';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { answerRoute } from '../question-route.js';

/**
 * The local web chat page: always on, with nothing to configure. It asks `POST /api/chat`, the webhook's request
 * and reply without its signature (a page in a browser cannot hold a secret), so setting WEBHOOK_SECRET for the
 * systems that call /api/webhook leaves the page working. Its conversations are stored under "web:".
 */
export const webPageChannel = defineChannel('web', {
  readSettings: () => ({}),
  routes: (deps) => webPageRoutes(deps),
});

/** Where the page asks its questions. */
export const CHAT_PATH = '/api/chat';

/**
 * Where the page's files live: plain HTML, JavaScript and CSS, served as they are, with nothing to compile.
 * Found beside this module, wherever the server runs: `npm run build` copies the folder into dist/.
 */
export const PAGE_DIR = path.join(import.meta.dirname, 'page');

/**
 * The Content-Security-Policy of the page and its assets: scripts, styles and requests from this origin only,
 * nothing inline, no framing. `img-src data:` is there for the empty favicon, which spares a 404 per load.
 */
export const WEB_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The only paths served, each with its file and type: an explicit list cannot expose any other file. */
const PAGE_FILES: ReadonlyArray<{ path: string; file: string; type: string }> = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/chat.js', file: 'chat.js', type: 'text/javascript; charset=utf-8' },
  { path: '/chat.css', file: 'chat.css', type: 'text/css; charset=utf-8' },
];

/**
 * The web chat page: `GET /` (and HEAD) serves index.html, `/chat.js` and `/chat.css` its script and styles,
 * each with {@link WEB_PAGE_CSP}, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and
 * `Cache-Control: no-cache` (always revalidated, so an edited file shows up on the next load). The page talks
 * to `POST /api/chat`. Every other path falls through to the next handler.
 */
export function webPageRoutes(deps: ChannelDeps): Router {
  const router = express.Router();
  answerRoute(router, CHAT_PATH, deps, 'web:');
  for (const { path, file, type } of PAGE_FILES) {
    router.get(path, (_req, res) => {
      res.set({
        'Content-Security-Policy': WEB_PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
        // Set before sendFile, which keeps it: the charset is then explicit rather than guessed.
        'Content-Type': type,
      });
      // Without a callback, Express passes read errors to the error boundary and ignores aborted downloads.
      res.sendFile(file, { root: PAGE_DIR, dotfiles: 'deny' });
    });
  }
  return router;
}
