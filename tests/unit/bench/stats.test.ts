import { describe, expect, it } from 'vitest';
import { percentile, ratio, Sample, summarize } from '@/bench/lib/stats';

describe('percentile (nearest rank)', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the value at the rank, not an interpolation', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 51)).toBe(30);
  });

  it('gives the smallest value at p0 and the only value of a single sample', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for an empty sample and refuses percentiles outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(hundred, 101)).toThrow(RangeError);
    expect(() => percentile(hundred, -1)).toThrow(RangeError);
    expect(() => percentile(hundred, Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts an unsorted sample before ranking', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ count: 5, min: 1, max: 5, p50: 3, mean: 3 });
  });

  it('keeps a slow outlier visible at p99 and max', () => {
    const values = [...Array.from({ length: 99 }, () => 1), 500];
    const s = summarize(values);
    expect(s.p50).toBe(1);
    expect(s.p95).toBe(1);
    expect(s.p99).toBe(1);
    expect(s.max).toBe(500);
    const more = summarize([...Array.from({ length: 98 }, () => 1), 400, 500]);
    expect(more.p99).toBe(400);
  });

  it('reports NaN figures, not zeros, for an empty sample', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.p50).toBeNaN();
    expect(s.mean).toBeNaN();
  });
});

describe('Sample', () => {
  it('grows past its first buffer and summarizes what was pushed', () => {
    const sample = new Sample();
    for (let i = 3000; i >= 1; i--) sample.push(i);
    expect(sample.length).toBe(3000);
    expect(sample.summary()).toMatchObject({ count: 3000, min: 1, max: 3000, p50: 1500 });
  });
});

describe('ratio', () => {
  it('divides, and refuses missing or zero denominators', () => {
    expect(ratio(900, 1000)).toBeCloseTo(0.9);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(3, undefined)).toBeNull();
    expect(ratio(Number.NaN, 3)).toBeNull();
  });
});
