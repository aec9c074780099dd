/** The benchmark's table for people and its JSON for machines. */
import type { Figure, Summary, Target } from './measure.js';

/** Everything one run of the benchmark measured, and how. */
export interface Report {
  startedAt: string;
  finishedAt: string;
  machine: { node: string; platform: string; cpus: number; cpuModel: string };
  options: Record<string, unknown>;
  /** How the figures were taken; printed under the table. */
  notes: string[];
  figures: Figure[];
}

/** A number with about three significant digits. */
function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 100) return Math.round(x).toLocaleString('en');
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function value(s: Summary | null | undefined, unit: string): string {
  return s ? `${num(s.median)} ${unit}` : '—';
}

function range(s: Summary | null | undefined): string {
  return s ? `${num(s.min)}–${num(s.max)}` : '—';
}

function target(t: Target | undefined, unit: string): string {
  if (!t) return '';
  const op = t.direction === 'at-most' ? '≤' : '≥';
  return t.on === 'ratio' ? `ratio ${op} ${t.limit}` : `${op} ${t.limit.toLocaleString('en')} ${unit}`;
}

function verdict(f: Figure): string {
  if (f.value === null) return 'n/a';
  if (f.pass === null) return '';
  return f.pass ? 'pass' : 'FAIL';
}

/** The report as a fixed-width table, one row per figure, then the notes of each figure and of the run. */
export function formatTable(report: Report): string {
  const header = ['figure', 'median', 'min–max', 'baseline', 'ratio', 'target', 'result'];
  const rows: string[][] = [];
  let section = '';
  const sections: number[] = [];
  for (const f of report.figures) {
    if (f.section !== section) {
      section = f.section;
      sections.push(rows.length);
      rows.push([`[${section}]`, '', '', '', '', '', '']);
    }
    rows.push([
      `  ${f.name}`,
      value(f.value, f.unit),
      range(f.value),
      f.baseline ? value(f.baseline.value, f.unit) : '',
      f.ratio ? `${f.ratio.median.toFixed(2)}x` : '',
      target(f.target, f.unit),
      verdict(f),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows) out.push(line(r));
  out.push('');
  out.push('Baselines and ratios:');
  for (const f of report.figures) {
    const parts: string[] = [];
    if (f.baseline) parts.push(`baseline ${f.baseline.name}`);
    if (f.ratio) parts.push(`ratio per round ${range(f.ratio)}`);
    if (f.note) parts.push(f.note);
    if (parts.length > 0) out.push(`  ${f.name}: ${parts.join('; ')}`);
  }
  out.push('');
  for (const n of report.notes) out.push(`* ${n}`);
  return `${out.join('\n')}\n`;
}
