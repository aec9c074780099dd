import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';
import { BUILD_COMMAND } from './server.js';

/**
 * Builds dist/ once before the tests, with the command `npm run build` runs (as `npm start` does, in its
 * prestart step), so every test that starts the real server runs the code `npm start` runs, never a stale build.
 */
export default function buildOnce(): void {
  execFileSync(BUILD_COMMAND[0], BUILD_COMMAND.slice(1), { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
