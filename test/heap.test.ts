import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapFlag } from '../src/heap.js';

describe('the heap growing percent the server sets', () => {
  it('is set when the process was started without one', () => {
    expect(heapFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapFlag(['--enable-source-maps', '--max-old-space-size=512'])).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    );
  });

  it("leaves the operator's own value on the command line alone, in either spelling", () => {
    expect(heapFlag(['--heap-growing-percent=0'])).toBeNull();
    expect(heapFlag(['--max-old-space-size=512', '--heap_growing_percent=100'])).toBeNull();
    expect(heapFlag(['--heap-growing-percent', '80'])).toBeNull();
  });
});
