/**
 * The server's memory at a moment of the load test: RSS from /proc/<pid>/status, and, through the inspector,
 * the V8 heap in use right after a full garbage collection (what is still referenced: the figure that grows
 * with a leak, where RSS also moves with the allocator's whims).
 */
import { rssMb } from '../bench/processes.js';
import type { Inspector } from './inspector.js';

/** One measurement; a null figure could not be taken. */
export interface MemorySample {
  label: string;
  rssMb: number | null;
  /** V8 heap used after a full GC (MB); null without the inspector. */
  heapUsedMb: number | null;
  /** Memory of C++ objects bound to JS (buffers included), after the same GC (MB). */
  externalMb: number | null;
}

/** The band within which a figure may move from its value after warm-up without being called growth. */
export interface NoiseBand {
  /** At least this many MB... */
  minMb: number;
  /** ...or this fraction of the warm-up value, whichever is larger. */
  fraction: number;
}

/** Heap after a full GC is steady: growth past 5 MB or 10 % means something is kept that should not be. */
export const HEAP_BAND: NoiseBand = { minMb: 5, fraction: 0.1 };
/** RSS moves with the allocator and the GC's timing: only growth past 25 MB or 20 % is called growth. */
export const RSS_BAND: NoiseBand = { minMb: 25, fraction: 0.2 };

/** The band's width around `base`. */
export function bandMb(base: number, band: NoiseBand): number {
  return Math.max(band.minMb, base * band.fraction);
}

const MB = 1024 * 1024;

/** Measures `pid`; with an inspector session, forces a full GC first and reads process.memoryUsage(). */
export async function sampleMemory(label: string, pid: number, inspector: Inspector | null): Promise<MemorySample> {
  let heapUsedMb: number | null = null;
  let externalMb: number | null = null;
  if (inspector) {
    await inspector.call('HeapProfiler.collectGarbage');
    const evaluated = await inspector.call<{ result: { value?: string } }>('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const usage = JSON.parse(evaluated.result.value ?? '{}') as { heapUsed?: number; external?: number };
    heapUsedMb = typeof usage.heapUsed === 'number' ? usage.heapUsed / MB : null;
    externalMb = typeof usage.external === 'number' ? usage.external / MB : null;
  }
  return { label, rssMb: await rssMb(pid), heapUsedMb, externalMb };
}
