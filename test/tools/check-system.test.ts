/** `npm test`'s first step: which Debian packages are missing, and what it does about them. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingPackages, plan } from '../../tools/check-system.js';

describe('missingPackages', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const folder = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'check-system-'));
    folders.push(dir);
    return dir;
  };

  it('names the packages whose command is not an executable file on PATH', () => {
    const bin = folder();
    writeFileSync(path.join(bin, 'chromium'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'chromium'), 0o755);
    expect(missingPackages(bin)).toEqual(['redis-server']);
  });

  it('does not count a file without an execute bit, nor a folder of that name', () => {
    const bin = folder();
    writeFileSync(path.join(bin, 'chromium'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'chromium'), 0o644);
    mkdirSync(path.join(bin, 'redis-server'));
    expect(missingPackages(bin)).toEqual(['chromium', 'redis-server']);
  });

  it('searches every folder of PATH', () => {
    const first = folder();
    const second = folder();
    for (const [dir, name] of [
      [first, 'redis-server'],
      [second, 'chromium'],
    ] as const) {
      writeFileSync(path.join(dir, name), '#!/bin/sh\n');
      chmodSync(path.join(dir, name), 0o755);
    }
    expect(missingPackages([first, second].join(path.delimiter))).toEqual([]);
  });
});

describe('plan', () => {
  it('does nothing when nothing is missing', () => {
    expect(plan([], true, true)).toEqual({ action: 'none' });
    expect(plan([], false, false)).toEqual({ action: 'none' });
  });

  it('installs with apt-get as root', () => {
    expect(plan(['redis-server'], true, true)).toEqual({
      action: 'install',
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', 'redis-server'],
      ],
    });
  });

  it('stops with the command to run when not root, or without apt-get', () => {
    for (const [isRoot, hasAptGet] of [
      [false, true],
      [true, false],
    ]) {
      const next = plan(['redis-server'], isRoot, hasAptGet);
      expect(next.action).toBe('stop');
      if (next.action === 'stop') {
        expect(next.message).toContain('redis-server');
        expect(next.message).toContain('sudo apt-get install -y redis-server');
      }
    }
    const both = plan(['chromium', 'redis-server'], false, true);
    expect(both).toMatchObject({ message: expect.stringContaining('sudo apt-get install -y chromium redis-server') });
  });
});
