import { expect } from 'vitest';
import { ConfigError, type Env } from '../../src/env.js';

/**
 * Expects `read(env)` to throw a ConfigError for `variable` whose message starts with the variable's name;
 * returns the error.
 */
export function expectConfigError(read: (env: Env) => unknown, env: Env, variable: string): ConfigError {
  let thrown: unknown;
  try {
    read(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  const error = thrown as ConfigError;
  expect(error.variable).toBe(variable);
  expect(error.message.startsWith(`${variable}: `)).toBe(true);
  return error;
}

/** The names of the variables `read` looks at when reading `env` (every one it might use, as it reads them all). */
export function variablesRead(read: (env: Env) => unknown, env: Env = {}): Set<string> {
  const asked = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') asked.add(name);
      return Reflect.get(target, name);
    },
  });
  read(recording);
  return asked;
}
