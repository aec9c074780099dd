/**
 * First step of `npm test`: the Debian packages the test suite needs beyond node_modules, `chromium` (the web
 * page's browser test) and `redis-server` (the Redis tests). When all are on PATH it prints nothing. When some
 * are missing it installs them with apt-get if it runs as root on a system that has apt-get (a fresh container,
 * CI), and otherwise stops at once with the one command to run, so a missing package is never a wall of failing
 * tests.
 *
 *   node --import tsx tools/check-system.ts
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Each Debian package the tests need, the command it puts on PATH, and which tests need it ("the browser tests"). */
export const SYSTEM_PACKAGES: readonly { package: string; command: string; neededBy: string }[] = [
  { package: 'chromium', command: 'chromium', neededBy: 'browser' },
  { package: 'redis-server', command: 'redis-server', neededBy: 'Redis' },
];

/**
 * Whether `command` is an executable file in one of the folders of `pathEnv` (a PATH value), as the shell's
 * `command -v` finds it: an empty entry is the current folder, a file without an execute bit does not count.
 */
export function commandOnPath(command: string, pathEnv: string): boolean {
  return pathEnv.split(path.delimiter).some((folder) => {
    const file = path.join(folder || '.', command);
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** The packages of {@link SYSTEM_PACKAGES} whose command is not on `pathEnv`, in that list's order. */
export function missingPackages(pathEnv: string): string[] {
  return SYSTEM_PACKAGES.filter((p) => !commandOnPath(p.command, pathEnv)).map((p) => p.package);
}

/** What the packages `missing` are for: "the browser and Redis tests need them". */
function needs(missing: string[]): string {
  const users = SYSTEM_PACKAGES.filter((p) => missing.includes(p.package)).map((p) => p.neededBy);
  const them = missing.length === 1 ? 'it' : 'them';
  return `the ${users.join(' and ')} tests need ${them}`;
}

/** The line printed before installing `missing`, saying what and why. */
export function installNotice(missing: string[]): string {
  return `npm test: installing ${missing.join(' ')} with apt-get (${needs(missing)})`;
}

/** The one command a user runs to install `missing` themselves. */
export function installCommand(missing: string[]): string {
  return `sudo apt-get install -y ${missing.join(' ')}`;
}

export type Plan =
  | { action: 'none' }
  | { action: 'install'; commands: string[][] }
  | { action: 'stop'; message: string };

/**
 * What to do about `missing`: nothing when it is empty; apt-get update and install when this process may
 * (`isRoot`, `hasAptGet`); otherwise stop, with a message naming the packages and the command to run.
 */
export function plan(missing: string[], isRoot: boolean, hasAptGet: boolean): Plan {
  if (missing.length === 0) return { action: 'none' };
  if (isRoot && hasAptGet) {
    return {
      action: 'install',
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', ...missing],
      ],
    };
  }
  return {
    action: 'stop',
    message:
      `npm test: missing the Debian package${missing.length === 1 ? '' : 's'} ${missing.join(' ')} ` +
      `(${needs(missing)}). Install with:\n  ${installCommand(missing)}`,
  };
}

/** Checks, installs if it may, checks again; exits 1 with a message when a package is still missing. */
function main(): void {
  const pathEnv = process.env.PATH ?? '';
  const missing = missingPackages(pathEnv);
  const next = plan(missing, process.getuid?.() === 0, commandOnPath('apt-get', pathEnv));
  if (next.action === 'none') return;
  if (next.action === 'stop') {
    console.error(next.message);
    process.exit(1);
  }
  console.error(installNotice(missing));
  for (const command of next.commands) {
    const result = spawnSync(command[0]!, command.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) {
      const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
      console.error(`npm test: \`${command.join(' ')}\` failed (${why}); install the packages yourself:`);
      console.error(`  ${installCommand(missing)}`);
      process.exit(1);
    }
  }
  const still = missingPackages(process.env.PATH ?? '');
  if (still.length > 0) {
    console.error(
      `npm test: apt-get finished, but ${still.join(' ')} ${still.length === 1 ? 'is' : 'are'} still not on PATH`,
    );
    console.error(`  PATH=${pathEnv}`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
