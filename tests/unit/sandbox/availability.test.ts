import { describe, expect, it } from 'vitest';
import { freeSlots, techniciansFor } from '@/sandbox/availability';
import { SELLERS, type SellerConfig } from '@/sandbox/sellers';

const seller = (slug: string): SellerConfig => SELLERS.find((s) => s.slug === slug)!;
const site = (s: SellerConfig, id: string) => s.sites.find((x) => x.id === id)!;
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

// 2026-03-09 is a Monday. New York is on daylight time (UTC-4) since 8 March; Paris is still UTC+1 until 29 March.
const MONDAY = '2026-03-09';

describe('freeSlots', () => {
  const globex = seller('globex');
  const nyc = site(globex, 'globex-site-nyc');

  it('offers two-hour slots in the site time zone working hours', () => {
    const slots = freeSlots({ seller: globex, site: nyc, windows: [{ start: t(`${MONDAY}T00:00:00Z`), end: t(`${MONDAY}T23:59:00Z`) }], bookings: [], notBefore: 0 });
    expect(slots.map((s) => iso(s.start))).toEqual([
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T15:00:00.000Z',
      '2026-03-09T17:00:00.000Z',
      '2026-03-09T19:00:00.000Z',
    ]);
    expect(slots.every((s) => s.end - s.start === 2 * 3_600_000 && s.technicianId === 'globex-tech-dana')).toBe(true);
  });

  it('follows daylight saving: the same local 09:00 is 14:00Z the week before the change', () => {
    const slots = freeSlots({ seller: globex, site: nyc, windows: [{ start: t('2026-03-02T00:00:00Z'), end: t('2026-03-02T23:59:00Z') }], bookings: [], notBefore: 0 });
    expect(iso(slots[0]!.start)).toBe('2026-03-02T14:00:00.000Z');
  });

  it('uses each site its own zone: Paris, Chicago and Tokyo', () => {
    const acme = seller('acme');
    const paris = freeSlots({ seller: acme, site: site(acme, 'acme-site-paris-hq'), windows: [{ start: t('2026-03-10T00:00:00Z'), end: t('2026-03-10T23:00:00Z') }], bookings: [], notBefore: 0 });
    expect(iso(paris[0]!.start)).toBe('2026-03-10T07:00:00.000Z');
    const chicago = freeSlots({ seller: globex, site: site(globex, 'globex-site-chicago'), windows: [{ start: t('2026-03-10T00:00:00Z'), end: t('2026-03-10T23:00:00Z') }], bookings: [], notBefore: 0 });
    expect(iso(chicago[0]!.start)).toBe('2026-03-10T12:00:00.000Z');
    const initech = seller('initech');
    const tokyo = freeSlots({ seller: initech, site: site(initech, 'initech-site-tokyo'), windows: [{ start: t('2026-03-09T23:00:00Z'), end: t('2026-03-10T12:00:00Z') }], bookings: [], notBefore: 0 });
    // Tuesday 10 March in Tokyo: 09:00 JST is 00:00Z.
    expect(tokyo.map((s) => iso(s.start))).toEqual(['2026-03-10T00:00:00.000Z', '2026-03-10T02:00:00.000Z', '2026-03-10T04:00:00.000Z', '2026-03-10T06:00:00.000Z']);
  });

  it('skips standing commitments and weekends', () => {
    // Tuesday: Dana does enterprise installs 09:00–13:00.
    const tuesday = freeSlots({ seller: globex, site: nyc, windows: [{ start: t('2026-03-10T00:00:00Z'), end: t('2026-03-10T23:59:00Z') }], bookings: [], notBefore: 0 });
    expect(tuesday.map((s) => iso(s.start))).toEqual(['2026-03-10T17:00:00.000Z', '2026-03-10T19:00:00.000Z']);
    const weekend = freeSlots({ seller: globex, site: nyc, windows: [{ start: t('2026-03-14T00:00:00Z'), end: t('2026-03-16T00:00:00Z') }], bookings: [], notBefore: 0 });
    expect(weekend).toEqual([]);
  });

  it('skips booked slots, offers a slot once when two technicians are free, and gives the free technician', () => {
    const acme = seller('acme');
    const lyon = site(acme, 'acme-site-lyon-dc');
    const window = [{ start: t('2026-03-10T07:00:00Z'), end: t('2026-03-10T11:00:00Z') }];
    const free = freeSlots({ seller: acme, site: lyon, windows: window, bookings: [], notBefore: 0 });
    expect(free.map((s) => iso(s.start))).toEqual(['2026-03-10T07:00:00.000Z', '2026-03-10T09:00:00.000Z']);
    const booked = freeSlots({
      seller: acme,
      site: lyon,
      windows: window,
      bookings: [{ technicianId: 'acme-tech-hugo', start: t('2026-03-10T07:30:00Z'), end: t('2026-03-10T08:00:00Z') }],
      notBefore: 0,
    });
    expect(booked.map((s) => iso(s.start))).toEqual(['2026-03-10T09:00:00.000Z']);
    const other = freeSlots({
      seller: acme,
      site: lyon,
      windows: window,
      bookings: [{ technicianId: 'somebody-else', start: t('2026-03-10T07:00:00Z'), end: t('2026-03-10T09:00:00Z') }],
      notBefore: 0,
    });
    expect(other).toHaveLength(2);
    expect(techniciansFor(acme, lyon).map((x) => x.id)).toEqual(['acme-tech-hugo', 'acme-tech-lea']);
  });

  it('keeps slots fully inside the window, after notBefore, across several windows', () => {
    const windows = [
      { start: t('2026-03-09T14:00:00Z'), end: t('2026-03-09T18:00:00Z') },
      { start: t('2026-03-11T00:00:00Z'), end: t('2026-03-11T16:00:00Z') },
    ];
    const both = freeSlots({ seller: globex, site: nyc, windows, bookings: [], notBefore: t('2026-03-09T14:30:00Z') });
    expect(both.map((s) => iso(s.start))).toEqual(['2026-03-09T15:00:00.000Z', '2026-03-11T13:00:00.000Z']);
    const later = freeSlots({ seller: globex, site: nyc, windows, bookings: [], notBefore: t('2026-03-09T15:30:00Z') });
    expect(later.map((s) => iso(s.start))).toEqual(['2026-03-11T13:00:00.000Z']);
  });
});
