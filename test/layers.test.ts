import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

// The layers of src/, lowest first. A module imports from its own layer and the ones below, never above:
// the core knows no store, the store no HTTP, HTTP no conversation, the turn path no channel, a channel no app.
const LAYERS: { name: string; holds: (file: string) => boolean }[] = [
  { name: 'core, log, env', holds: (f) => f.startsWith('core/') || f === 'log.ts' || f === 'env.ts' },
  { name: 'store', holds: (f) => f.startsWith('store/') },
  { name: 'http', holds: (f) => f.startsWith('http/') },
  { name: 'conversation', holds: (f) => f.startsWith('conversation/') },
  { name: 'channels', holds: (f) => f.startsWith('channels/') },
  { name: 'config, bot', holds: (f) => f === 'config.ts' || f === 'bot.ts' },
  { name: 'app', holds: (f) => f === 'app.ts' },
  { name: 'main, cli', holds: (f) => f === 'main.ts' || f.startsWith('cli/') },
];

const SRC = path.join(PROJECT_ROOT, 'src');

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path.relative(SRC, full)] : [];
  });
}

/** The relative imports of `file` (relative to src/), as paths relative to src/ (`../` ones may leave it). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s*|import\()'(\.[^']*)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => path.relative(SRC, path.resolve(SRC, path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((l) => l.holds(file));
  if (layer < 0) throw new Error(`src/${file} is in no layer: add it to LAYERS in test/layers.test.ts`);
  return layer;
}

/** The channel folder a file is in (`slack` for channels/slack/index.ts), or null for the shared files. */
function channelFolder(file: string): string | null {
  const match = /^channels\/([^/]+)\//.exec(file);
  return match ? match[1]! : null;
}

const files = sources();

describe('the layers of src/', () => {
  it('puts every module in a layer', () => {
    for (const file of files) expect(() => layerOf(file), file).not.toThrow();
  });

  it('has no import arrow running back up', () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => layerOf(target) > layerOf(file))
        .map(
          (target) => `${file} (${LAYERS[layerOf(file)]!.name}) imports ${target} (${LAYERS[layerOf(target)]!.name})`,
        ),
    );
    expect(upward).toEqual([]);
  });

  it('never imports tools/ or test/', () => {
    const outside = files.flatMap((file) =>
      importsOf(file)
        .filter((t) => t.startsWith('..'))
        .map((t) => `${file} -> ${t}`),
    );
    expect(outside).toEqual([]);
  });

  it('keeps channels apart: a channel folder imports no other, and only the registry imports the folders', () => {
    const crossing = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => channelFolder(target) !== null && channelFolder(target) !== channelFolder(file))
        .filter(() => file !== 'channels/index.ts')
        .map((target) => `${file} -> ${target}`),
    );
    expect(crossing).toEqual([]);
  });

  it('reads nothing from test/ in the server', () => {
    const readers = files.filter((file) => /['"]test['"]/.test(readFileSync(path.join(SRC, file), 'utf8')));
    expect(readers).toEqual([]);
  });

  it('loads node-redis only with REDIS_URL: one module imports it, and the server reaches that module by import()', () => {
    const text = (file: string) => readFileSync(path.join(SRC, file), 'utf8');
    expect(files.filter((file) => /from 'redis'/.test(text(file)))).toEqual(['store/redis/client.ts']);
    // A value import of client.ts from anything the server loads at start would load node-redis with it.
    const eager = files.filter(
      (file) =>
        file !== 'cli/review.ts' && /^import (?!type )[^;]*from '[./]*(store\/redis\/)?client\.js'/m.test(text(file)),
    );
    expect(eager).toEqual([]);
    expect(text('main.ts')).toContain("import('./store/redis/client.js')");
  });
});
