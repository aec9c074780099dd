/**
 * The whole number a command-line flag `--name` gives as `text`, at least `min`; throws an Error saying what
 * the flag takes when it is not one.
 */
export function wholeNumberFlag(name: string, text: string, min: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}
