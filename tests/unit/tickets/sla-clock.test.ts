import { describe, expect, it } from 'vitest';
import { formatDuration, slaClock, waitingOn } from '@/lib/domain/sla-clock';

const H = 3_600_000;
const at = (h: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + h * H).toISOString();

describe('slaClock', () => {
  it('splits time between the Seller and us from the status changes', () => {
    const clock = slaClock(
      {
        creationDate: at(0),
        statusChange: [
          { changeDate: at(0), status: 'acknowledged' },
          { changeDate: at(1), status: 'inProgress' },
          { changeDate: at(3), status: 'pending' },
          { changeDate: at(7), status: 'inProgress' },
          { changeDate: at(8), status: 'resolved' },
        ],
      },
      new Date(at(10)),
    );
    expect(clock.waitingOnSellerMs).toBe(4 * H);
    expect(clock.waitingOnUsMs).toBe(6 * H);
    expect(clock.totalMs).toBe(10 * H);
    expect(clock.running).toBe(true);
  });

  it('stops at closed or cancelled and counts nothing after', () => {
    const clock = slaClock(
      {
        creationDate: at(0),
        statusChange: [
          { changeDate: at(2), status: 'resolved' },
          { changeDate: at(5), status: 'closed' },
        ],
      },
      new Date(at(100)),
    );
    expect(clock.waitingOnSellerMs).toBe(2 * H);
    expect(clock.waitingOnUsMs).toBe(3 * H);
    expect(clock.totalMs).toBe(5 * H);
    expect(clock.running).toBe(false);
  });

  it('orders changes that arrive out of order and ignores undated ones', () => {
    const clock = slaClock(
      {
        creationDate: at(0),
        statusChange: [
          { changeDate: at(4), status: 'inProgress' },
          { status: 'pending' },
          { changeDate: at(2), status: 'pending' },
        ],
      },
      new Date(at(6)),
    );
    expect(clock.waitingOnUsMs).toBe(2 * H);
    expect(clock.waitingOnSellerMs).toBe(4 * H);
  });

  it('treats a reopened ticket and an assessed cancellation as waiting on the Seller', () => {
    const clock = slaClock(
      {
        creationDate: at(0),
        statusChange: [
          { changeDate: at(0), status: 'acknowledged' },
          { changeDate: at(1), status: 'resolved' },
          { changeDate: at(2), status: 'reopened' },
          { changeDate: at(3), status: 'assessingCancellation' },
        ],
      },
      new Date(at(5)),
    );
    expect(clock.waitingOnUsMs).toBe(1 * H);
    expect(clock.waitingOnSellerMs).toBe(4 * H);
  });

  it('uses the current status when there is no history, and is empty without any date', () => {
    expect(slaClock({ creationDate: at(0), status: 'pending' }, new Date(at(2))).waitingOnUsMs).toBe(2 * H);
    expect(slaClock({}, new Date(at(2)))).toMatchObject({ totalMs: 0, segments: [] });
  });

  it('knows who is waiting in each status', () => {
    expect(waitingOn('pending')).toBe('us');
    expect(waitingOn('resolved')).toBe('us');
    expect(waitingOn('inProgress')).toBe('seller');
    expect(waitingOn('assessingCancellation')).toBe('seller');
    expect(waitingOn('closed')).toBeNull();
    expect(waitingOn(null)).toBeNull();
  });

  it('formats durations', () => {
    expect(formatDuration(30_000)).toBe('< 1 min');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(3 * H + 12 * 60_000)).toBe('3 h 12 min');
    expect(formatDuration(52 * H)).toBe('2 d 4 h');
  });
});
