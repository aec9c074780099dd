/**
 * `npm run build` (and so `npm start`): the server, compiled into dist/ from src/main.ts and what it imports
 * (tsconfig.build.json), with the web page's files copied beside the compiled web channel, which serves them
 * from where it runs. It is built in a folder of its own and then put in dist/'s place, so dist/ holds the
 * server and nothing left over from before, and a server started meanwhile (a test, the bench) never finds it
 * half-written or missing. The compiled code then trains the bot once and writes it beside itself
 * (dist/prepared-bot.json), so a start reads the trained recognizers instead of training them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const next = path.join(root, `.dist-${process.pid}`);
const old = path.join(root, `.dist-old-${process.pid}`);

try {
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', next],
    { cwd: root, stdio: 'inherit' },
  );
  cpSync(path.join(root, 'src', 'channels', 'web', 'page'), path.join(next, 'channels', 'web', 'page'), {
    recursive: true,
  });
  // Trained by the compiled code, so the prepared bot's key is the one dist/ computes at start. A data file that
  // is wrong stops the build with what the server would say of it at start-up, not a stack trace.
  const bot = pathToFileURL(path.join(next, 'bot.js')).href;
  const prepare = `try { await (await import(${JSON.stringify(bot)})).writePreparedBot(); } catch (error) {
    process.stderr.write('npm run build: the bot cannot be prepared: ' + (error?.message ?? error) + '\\n');
    process.exitCode = 1;
  }`;
  const prepared = spawnSync(process.execPath, ['--input-type=module', '--eval', prepare], {
    cwd: root,
    stdio: 'inherit',
  });
  if (prepared.status === 0) {
    // Two renames: dist/ is missing only between them, not for the whole compilation.
    try {
      renameSync(dist, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    renameSync(next, dist);
  } else {
    // dist/ is left as it was.
    process.exitCode = 1;
  }
} finally {
  rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
