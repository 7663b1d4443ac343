import { describe, expect, it } from 'vitest';
import { addBusinessMs, businessMs, holidaysFromIcs, type SlaCalendarSpec } from '@/lib/domain/sla-calendar';
import { formatMinutes, parseDuration } from '@/lib/domain/sla-agreement-input';
import { agreementFor, targetClock, ticketClocks, ticketVerdictAt, verdictAt, type SlaAgreementSpec } from '@/lib/domain/sla-targets';
import { parseQueueQuery, queueSearchParams } from '@/lib/domain/ticket-queue';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * H).toISOString();

/** Monday to Friday, 09:00–17:00 in Paris; 26 October 2026 (a Monday) a holiday. */
const paris: SlaCalendarSpec = {
  kind: 'businessHours',
  timeZone: 'Europe/Paris',
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, from: 9 * 60, to: 17 * 60 })),
  holidays: ['2026-10-26'],
};
const always: SlaCalendarSpec = { kind: '24x7', timeZone: 'UTC', hours: [], holidays: [] };

function agreement(over: Partial<SlaAgreementSpec> = {}): SlaAgreementSpec {
  return {
    id: 1,
    name: 'Gold',
    sellerId: 7,
    productId: null,
    siteId: null,
    basis: 'severity',
    targets: { extensive: { acknowledge: 15, resolve: 5 * 60 } },
    pauseStates: ['pending'],
    atRiskPercent: 75,
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: null,
    calendar: always,
    ...over,
  };
}

describe('business hours in the site time zone', () => {
  // Friday 23 October 2026, 16:00 in Paris (summer time, UTC+2). Summer time ends on Sunday 25 October.
  const created = '2026-10-23T14:00:00.000Z';
  const running = { creationDate: created, history: [{ status: 'acknowledged', at: created }, { status: 'inProgress', at: created }] };
  const resolve = (now: string) => targetClock('resolve', 10 * 60, { pauseStates: ['pending'], atRiskPercent: 75, calendar: paris }, running, Date.parse(now));

  it('counts Friday’s last hour, skips the weekend and the Monday holiday, and opens Tuesday at 09:00 winter time', () => {
    // Tuesday 27 October, 09:30 in Paris = 08:30Z (UTC+1 now). Summer time kept by mistake would give 2.5 h.
    expect(resolve('2026-10-27T08:30:00.000Z').elapsedMs).toBe(1.5 * H);
    expect(resolve('2026-10-26T12:00:00.000Z').elapsedMs).toBe(1 * H);
    expect(resolve('2026-10-25T12:00:00.000Z')).toMatchObject({ elapsedMs: 1 * H, state: 'running', verdict: 'onTrack' });
  });

  it('projects the at-risk and breach instants through closed days', () => {
    const clock = resolve('2026-10-24T10:00:00.000Z');
    // 75 % of 10 h = 7.5 h: 1 h on Friday + 6.5 h on Tuesday → 15:30 in Paris = 14:30Z.
    expect(new Date(clock.atRiskAt!).toISOString()).toBe('2026-10-27T14:30:00.000Z');
    // 10 h: 1 h Friday + 8 h Tuesday + 1 h Wednesday → 10:00 in Paris = 09:00Z.
    expect(clock.breachAt! - Date.parse('2026-10-28T09:00:00.000Z')).toBeGreaterThanOrEqual(0);
    expect(clock.breachAt! - Date.parse('2026-10-28T09:00:00.000Z')).toBeLessThan(1000);
    expect(resolve('2026-10-28T09:00:01.000Z').verdict).toBe('breached');
    expect(resolve('2026-10-27T15:00:00.000Z').verdict).toBe('atRisk');
  });

  it('measures a spring-forward day as the wall clock has it', () => {
    // Sunday 29 March 2026 is 23 hours long in Paris; a 24×7 calendar in Paris still counts real time.
    const cal: SlaCalendarSpec = { kind: 'businessHours', timeZone: 'Europe/Paris', hours: [0].map((day) => ({ day, from: 0, to: 24 * 60 })), holidays: [] };
    expect(businessMs(cal, Date.parse('2026-03-28T12:00:00Z'), Date.parse('2026-03-30T12:00:00Z'))).toBe(23 * H);
    expect(addBusinessMs(cal, Date.parse('2026-03-28T12:00:00Z'), 23 * H)).toBe(Date.parse('2026-03-29T22:00:00Z'));
  });

  it('never finds a deadline on a calendar that never opens', () => {
    expect(addBusinessMs({ ...paris, hours: [] }, T0, H)).toBeNull();
  });
});

describe('pauses', () => {
  const history = [
    { status: 'acknowledged', at: at(0) },
    { status: 'inProgress', at: at(1) },
    { status: 'pending', at: at(2) },
    { status: 'inProgress', at: at(5) },
  ];
  const rules = { pauseStates: ['pending' as const], atRiskPercent: 75, calendar: always };

  it('stops the clock while pending and resumes it when the Seller works again', () => {
    const clock = targetClock('resolve', 300, rules, { creationDate: at(0), history }, T0 + 6 * H);
    expect(clock).toMatchObject({ elapsedMs: 3 * H, pausedMs: 3 * H, state: 'running', verdict: 'onTrack' });
    // 3.75 h of running time reached 45 min after now; 5 h at 8 h.
    expect(clock.atRiskAt).toBe(T0 + 6.75 * H);
    expect(clock.breachAt! - (T0 + 8 * H)).toBeLessThan(1000);
    expect(clock.segments.filter((s) => s.kind === 'paused')).toEqual([{ kind: 'paused', from: T0 + 2 * H, to: T0 + 5 * H, status: 'pending' }]);
  });

  it('holds the verdict while paused and names no breach instant', () => {
    const clock = targetClock('resolve', 300, rules, { creationDate: at(0), history: history.slice(0, 3) }, T0 + 10 * H);
    expect(clock).toMatchObject({ elapsedMs: 2 * H, pausedMs: 8 * H, state: 'paused', verdict: 'onTrack', breachAt: null, atRiskAt: null });
  });

  it('keeps at risk while paused once the share was used', () => {
    const clock = targetClock('resolve', 160, rules, { creationDate: at(0), history: history.slice(0, 3) }, T0 + 10 * H);
    expect(clock).toMatchObject({ state: 'paused', verdict: 'atRisk', breachAt: null, atRiskAt: T0 + 2 * H });
  });

  it('counts pending as running when the agreement does not pause on it', () => {
    const clock = targetClock('resolve', 300, { ...rules, pauseStates: [] }, { creationDate: at(0), history }, T0 + 6 * H);
    expect(clock).toMatchObject({ elapsedMs: 6 * H, pausedMs: 0, verdict: 'breached' });
    expect(clock.breachAt).toBe(T0 + 5 * H);
  });
});

describe('a reopen after resolution', () => {
  const history = [
    { status: 'acknowledged', at: at(0) },
    { status: 'inProgress', at: at(0.5) },
    { status: 'resolved', at: at(3) },
    { status: 'reopened', at: at(5) },
    { status: 'inProgress', at: at(5.25) },
    { status: 'resolved', at: at(6) },
    { status: 'closed', at: at(9) },
  ];
  const rules = { pauseStates: ['pending' as const], atRiskPercent: 75, calendar: always };

  it('stops while resolved, resumes on the reopen and ends at the last resolution', () => {
    const closed = targetClock('resolve', 300, rules, { creationDate: at(0), history }, T0 + 20 * H);
    expect(closed).toMatchObject({ elapsedMs: 4 * H, state: 'stopped', final: true, verdict: 'met', stoppedAt: T0 + 6 * H });
    const whileResolved = targetClock('resolve', 300, rules, { creationDate: at(0), history: history.slice(0, 3) }, T0 + 4 * H);
    expect(whileResolved).toMatchObject({ elapsedMs: 3 * H, state: 'stopped', final: false, verdict: 'met' });
    const afterReopen = targetClock('resolve', 200, rules, { creationDate: at(0), history: history.slice(0, 5) }, T0 + 5.75 * H);
    expect(afterReopen).toMatchObject({ elapsedMs: 3.75 * H, state: 'running', verdict: 'breached' });
  });
});

describe('a ticket cancelled while paused', () => {
  const history = [
    { status: 'acknowledged', at: at(0) },
    { status: 'pending', at: at(1) },
    { status: 'assessingCancellation', at: at(3) },
    { status: 'cancelled', at: at(4) },
  ];

  it('ends the clock at the cancellation and makes no resolve verdict unless it had already breached', () => {
    const base = { atRiskPercent: 75, calendar: always };
    const clock = targetClock('resolve', 300, { ...base, pauseStates: ['pending'] }, { creationDate: at(0), history }, T0 + 10 * H);
    expect(clock).toMatchObject({ elapsedMs: 2 * H, pausedMs: 2 * H, state: 'stopped', final: true, verdict: 'cancelled', breachAt: null });
    const bothPause = targetClock('resolve', 300, { ...base, pauseStates: ['pending', 'assessingCancellation'] }, { creationDate: at(0), history }, T0 + 10 * H);
    expect(bothPause).toMatchObject({ elapsedMs: 1 * H, pausedMs: 3 * H, verdict: 'cancelled' });
    const late = targetClock('resolve', 30, { ...base, pauseStates: ['pending'] }, { creationDate: at(0), history }, T0 + 10 * H);
    expect(late).toMatchObject({ verdict: 'breached', breachAt: T0 + 0.5 * H });
  });
});

describe('an agreement changed mid-month', () => {
  const november = agreement({ id: 1, validFrom: '2026-11-01T00:00:00.000Z', validTo: '2026-11-15T00:00:00.000Z', targets: { extensive: { resolve: 4 * 60 } } });
  const fromTheFifteenth = agreement({ id: 2, validFrom: '2026-11-15T00:00:00.000Z', targets: { extensive: { resolve: 8 * 60 } } });
  const ticket = (creationDate: string) => ({ sellerId: 7, productId: 'P-1', siteId: null, creationDate });

  it('holds each ticket to the agreement in force when it was created', () => {
    expect(agreementFor([november, fromTheFifteenth], ticket('2026-11-10T10:00:00.000Z'))?.id).toBe(1);
    expect(agreementFor([november, fromTheFifteenth], ticket('2026-11-20T10:00:00.000Z'))?.id).toBe(2);
    expect(agreementFor([november, fromTheFifteenth], ticket('2026-10-20T10:00:00.000Z'))).toBeNull();
    expect(agreementFor([november], { ...ticket('2026-11-10T10:00:00.000Z'), sellerId: 8 })).toBeNull();
  });

  it('keeps the old verdict of a ticket closed under the old agreement', () => {
    const created = '2026-11-14T10:00:00.000Z';
    const input = {
      creationDate: created,
      history: [
        { status: 'acknowledged', at: created },
        { status: 'resolved', at: '2026-11-14T16:00:00.000Z' },
        { status: 'closed', at: '2026-11-16T10:00:00.000Z' },
      ],
    };
    const applied = agreementFor([november, fromTheFifteenth], ticket(created))!;
    const clocks = ticketClocks(applied, 'extensive', input, Date.parse('2026-11-30T00:00:00Z'));
    expect(clocks).toHaveLength(1);
    expect(clocks[0]).toMatchObject({ target: 'resolve', elapsedMs: 6 * H, verdict: 'breached', final: true });
  });

  it('prefers the product’s own agreement to the Seller-wide one', () => {
    const product = agreement({ id: 3, productId: 'P-1' });
    expect(agreementFor([agreement(), product], ticket('2026-11-10T10:00:00.000Z'))?.id).toBe(3);
    expect(agreementFor([agreement(), product], { ...ticket('2026-11-10T10:00:00.000Z'), productId: 'P-2' })?.id).toBe(1);
  });
});

describe('acknowledge and first note', () => {
  it('measures acknowledgement to the first status the Seller reports', () => {
    const clock = targetClock('acknowledge', 15, { pauseStates: ['pending'], atRiskPercent: 75, calendar: always }, { creationDate: at(0), history: [{ status: 'acknowledged', at: at(0.5) }] }, T0 + 2 * H);
    expect(clock).toMatchObject({ elapsedMs: 0.5 * H, state: 'stopped', verdict: 'breached' });
  });

  it('measures the first Seller note, not counting a pause before it', () => {
    const input = { creationDate: at(0), history: [{ status: 'acknowledged', at: at(0) }, { status: 'pending', at: at(1) }, { status: 'inProgress', at: at(2) }], firstSellerNoteAt: at(2.5) };
    const clock = targetClock('firstNote', 120, { pauseStates: ['pending'], atRiskPercent: 75, calendar: always }, input, T0 + 3 * H);
    expect(clock).toMatchObject({ elapsedMs: 1.5 * H, state: 'stopped', verdict: 'met', stoppedAt: T0 + 2.5 * H });
  });
});

describe('stored clocks read later', () => {
  it('turn at risk and breached as their instants pass, and stay put once stopped', () => {
    const stored = { verdict: 'onTrack' as const, state: 'running' as const, atRiskAt: at(3), breachAt: at(4) };
    expect(verdictAt(stored, T0 + 2 * H)).toBe('onTrack');
    expect(verdictAt(stored, T0 + 3.5 * H)).toBe('atRisk');
    expect(verdictAt(stored, T0 + 5 * H)).toBe('breached');
    expect(verdictAt({ ...stored, state: 'stopped', verdict: 'met' }, T0 + 5 * H)).toBe('met');
  });
});

describe('holidays from an iCalendar file', () => {
  it('reads all-day, multi-day and folded events, and refuses what is not a calendar', () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20261225',
      'SUMMARY:Christmas',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'DTSTART;VALUE=DATE:20261231',
      'DTEND;VALUE=DATE:20270102',
      'SUMMARY:New',
      ' Year',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    expect(holidaysFromIcs(ics)).toEqual({ dates: ['2026-12-25', '2026-12-31', '2027-01-01'], errors: [] });
    expect(holidaysFromIcs('hello').errors[0]).toMatch(/not an iCalendar/i);
  });
});

describe('the queue’s reading of a ticket row', () => {
  const now = T0 + 10 * H;
  it('turns at risk and breached as the stored instants pass, and keeps final verdicts', () => {
    expect(ticketVerdictAt({ slaVerdict: null, slaRiskAt: null, slaBreachAt: null }, now)).toBeNull();
    expect(ticketVerdictAt({ slaVerdict: 'open', slaRiskAt: at(11), slaBreachAt: at(12) }, now)).toBe('onTrack');
    expect(ticketVerdictAt({ slaVerdict: 'open', slaRiskAt: at(9), slaBreachAt: at(12) }, now)).toBe('atRisk');
    expect(ticketVerdictAt({ slaVerdict: 'open', slaRiskAt: at(9), slaBreachAt: null }, now)).toBe('atRisk');
    expect(ticketVerdictAt({ slaVerdict: 'open', slaRiskAt: at(8), slaBreachAt: at(9) }, now)).toBe('breached');
    expect(ticketVerdictAt({ slaVerdict: 'met', slaRiskAt: null, slaBreachAt: null }, now)).toBe('met');
    expect(ticketVerdictAt({ slaVerdict: 'breached', slaRiskAt: null, slaBreachAt: at(2) }, now)).toBe('breached');
  });

  it('keeps the SLA filter and the time-to-breach order in the address bar', () => {
    const query = parseQueueQuery(new URLSearchParams('sla=atRisk&sort=breach&dir=asc'));
    expect(query).toMatchObject({ sla: 'atRisk', sort: 'breach', dir: 'asc' });
    expect(queueSearchParams(query).toString()).toBe('sla=atRisk&sort=breach&dir=asc');
    expect(parseQueueQuery(new URLSearchParams('sla=whatever')).sla).toBeUndefined();
  });
});

describe('agreement durations', () => {
  it('reads minutes, hours and days, and refuses the rest', () => {
    expect([parseDuration('30m'), parseDuration('4h'), parseDuration('1.5h'), parseDuration('2d'), parseDuration('45')]).toEqual([30, 240, 90, 2880, 45]);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('-1h')).toBeNull();
    expect([formatMinutes(2880), formatMinutes(240), formatMinutes(45)]).toEqual(['2d', '4h', '45m']);
  });
});
