import { describe, expect, it } from 'vitest';
import { formatNumber, judgeTarget, renderMarkdown, renderText, verdictTable, type TargetSpec } from '@/bench/lib/report';

const spec = (over: Partial<TargetSpec>): TargetSpec => ({
  id: 't',
  label: 'p99 at 500 events/s',
  value: 10,
  unit: 'ms',
  comparator: 'below',
  threshold: 50,
  ...over,
});

describe('judgeTarget', () => {
  it('says met with the headroom left under an upper limit', () => {
    const v = judgeTarget(spec({ value: 37.5 }));
    expect(v.status).toBe('met');
    expect(v.by).toBe('12.5 ms under (25% headroom)');
  });

  it('says missed with the excess and the factor over an upper limit', () => {
    const v = judgeTarget(spec({ value: 90 }));
    expect(v.status).toBe('missed');
    expect(v.by).toBe('40 ms over (1.80× the limit)');
  });

  it('treats a value equal to a strict upper limit as missed', () => {
    expect(judgeTarget(spec({ value: 50 })).status).toBe('missed');
    expect(judgeTarget(spec({ value: 50, comparator: 'atMost' })).status).toBe('met');
  });

  it('judges a lower bound (throughput ratio) with the share reached', () => {
    const met = judgeTarget(spec({ label: 'ingest / no-op', value: 0.95, unit: '×', comparator: 'atLeast', threshold: 0.9 }));
    expect(met.status).toBe('met');
    expect(met.by).toBe('0.05× above (106% of the target)');
    const missed = judgeTarget(spec({ value: 0.45, unit: '×', comparator: 'atLeast', threshold: 0.9 }));
    expect(missed.status).toBe('missed');
    expect(missed.by).toBe('0.45× short (50% of the target)');
  });

  it('counts against a zero limit (events lost) without dividing by zero', () => {
    expect(judgeTarget(spec({ value: 0, unit: 'events', comparator: 'atMost', threshold: 0 }))).toMatchObject({ status: 'met', by: 'none' });
    expect(judgeTarget(spec({ value: 3, unit: 'events', comparator: 'atMost', threshold: 0 }))).toMatchObject({
      status: 'missed',
      by: '3 events too many',
    });
  });

  it('marks a figure that could not be taken as not measured, with the reason', () => {
    const v = judgeTarget(spec({ value: null, note: 'the live channel did not answer' }));
    expect(v.status).toBe('not measured');
    expect(v.by).toBe('the live channel did not answer');
    expect(judgeTarget(spec({ value: Number.NaN })).status).toBe('not measured');
  });
});

describe('formatNumber', () => {
  it('keeps small figures precise and groups large ones', () => {
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(42.25)).toBe('42.3');
    expect(formatNumber(1234.4)).toBe('1234');
    expect(formatNumber(123456.7)).toBe('123,457');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});

describe('tables', () => {
  const table = verdictTable([judgeTarget(spec({ value: 12 })), judgeTarget(spec({ label: 'RSS', value: 620, unit: 'MB', threshold: 500 }))]);

  it('aligns text columns and lists every target', () => {
    const text = renderText(table);
    const lines = text.split('\n');
    expect(lines[0]).toBe('== Targets');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('12 ms');
    expect(lines[3]).toContain('met');
    expect(lines[4]).toContain('missed');
    // The header and the rows line up on the second column's right edge.
    const edge = (l: string) => l.indexOf('measured') + 'measured'.length;
    expect(lines[3]!.slice(0, edge(lines[1]!)).endsWith('12 ms')).toBe(true);
  });

  it('escapes pipes in Markdown cells', () => {
    const md = renderMarkdown({ title: 'x', header: ['a|b', 'n'], rows: [['c|d', '1']] });
    expect(md).toContain('| a\\|b | n |');
    expect(md).toContain('| c\\|d | 1 |');
    expect(md).toContain('| --- | ---: |');
  });
});
