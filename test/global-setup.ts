import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';

/**
 * Builds dist/ once before the tests, as `npm start` does (its prestart step), so every test that starts the
 * real server runs the code `npm start` runs, never a stale build.
 */
export default function buildOnce(): void {
  execFileSync(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
    },
  );
}
