/**
 * `npm run build` (and so `npm start`): the server, compiled into dist/ from src/main.ts and what it imports
 * (tsconfig.build.json), with the web page's files copied beside the compiled web channel, which serves them
 * from where it runs. dist/ is emptied first, so it holds the server and nothing left over from before.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
cpSync(path.join(root, 'src', 'channels', 'web', 'page'), path.join(dist, 'channels', 'web', 'page'), {
  recursive: true,
});
