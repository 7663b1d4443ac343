/** Targets (met / missed and by how much) and plain-text / Markdown tables for the benchmark report. */
import { loadCell, type LoadWindow } from './load';

export type Comparator = 'atLeast' | 'below' | 'atMost';

export interface TargetSpec {
  id: string;
  label: string;
  /** The measured figure; null when that part could not run. */
  value: number | null;
  unit: string;
  comparator: Comparator;
  threshold: number;
  /** Why there is no figure, when value is null. */
  note?: string;
  /** Load average around the phase that measured the figure. */
  load?: LoadWindow;
}

export interface TargetVerdict extends TargetSpec {
  status: 'met' | 'missed' | 'not measured';
  /** How far from the threshold, in words: "12.3 ms under (25% headroom)", "1.8× the limit". */
  by: string;
}

const SYMBOL: Record<Comparator, string> = { atLeast: '≥', below: '<', atMost: '≤' };

export function formatNumber(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  const d = digits ?? (abs === 0 || Number.isInteger(value) ? 0 : abs < 10 ? 2 : abs < 100 ? 1 : 0);
  const fixed = value.toFixed(d);
  if (abs < 10_000) return fixed;
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

function withUnit(value: number, unit: string): string {
  const n = formatNumber(value);
  if (!unit) return n;
  return unit === '×' || unit === '%' ? `${n}${unit}` : `${n} ${unit}`;
}

export function describeThreshold(spec: Pick<TargetSpec, 'comparator' | 'threshold' | 'unit'>): string {
  return `${SYMBOL[spec.comparator]} ${withUnit(spec.threshold, spec.unit)}`;
}

export function judgeTarget(spec: TargetSpec): TargetVerdict {
  const { value, threshold, comparator, unit } = spec;
  if (value === null || !Number.isFinite(value)) {
    return { ...spec, status: 'not measured', by: spec.note ?? 'no figure' };
  }
  const met = comparator === 'atLeast' ? value >= threshold : comparator === 'below' ? value < threshold : value <= threshold;
  const gap = Math.abs(value - threshold);
  let by: string;
  if (comparator === 'atLeast') {
    const share = threshold === 0 ? '' : ` (${formatNumber((value / threshold) * 100, 0)}% of the target)`;
    by = met ? `${withUnit(gap, unit)} above${share}` : `${withUnit(gap, unit)} short${share}`;
  } else if (threshold === 0) {
    by = met ? 'none' : `${withUnit(value, unit)} too many`;
  } else {
    by = met
      ? `${withUnit(gap, unit)} under (${formatNumber((gap / threshold) * 100, 0)}% headroom)`
      : `${withUnit(gap, unit)} over (${formatNumber(value / threshold, 2)}× the limit)`;
  }
  return { ...spec, status: met ? 'met' : 'missed', by };
}

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  /** Columns (by index) aligned left; the others are right-aligned numbers. */
  leftColumns?: number[];
}

function widths(table: Table): number[] {
  return table.header.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
}

export function renderText(table: Table): string {
  const w = widths(table);
  const left = new Set(table.leftColumns ?? [0]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(w[i]!) : c.padStart(w[i]!)))
      .join('  ')
      .trimEnd();
  const out = [`== ${table.title}`, line(table.header), w.map((n) => '-'.repeat(n)).join('  ')];
  for (const row of table.rows) out.push(line(table.header.map((_, i) => row[i] ?? '')));
  return out.join('\n');
}

export function renderMarkdown(table: Table): string {
  const left = new Set(table.leftColumns ?? [0]);
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const out = [
    `**${table.title}**`,
    '',
    `| ${table.header.map(esc).join(' | ')} |`,
    `| ${table.header.map((_, i) => (left.has(i) ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const row of table.rows) out.push(`| ${table.header.map((_, i) => esc(row[i] ?? '')).join(' | ')} |`);
  return out.join('\n');
}

export function verdictTable(verdicts: TargetVerdict[]): Table {
  return {
    title: 'Targets',
    header: ['target', 'measured', 'limit', 'verdict', 'by how much', 'load avg 1 min (start → end)'],
    leftColumns: [0, 3, 4],
    rows: verdicts.map((v) => [
      v.label,
      v.value === null ? '–' : withUnit(v.value, v.unit),
      describeThreshold(v),
      v.status,
      v.by,
      loadCell(v.load),
    ]),
  };
}
