/**
 * What an administrator may type for an SLA agreement or calendar, validated once for the Settings forms and for
 * imports. Pure.
 */
import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_SEVERITIES } from './mef-labels';
import { holidaysFromIcs, isTimeZone, parseClockTime } from './sla-calendar';
import { SLA_BASES, SLA_TARGETS, type SlaTarget, type TargetMinutes } from './sla-targets';

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** "30m", "4h", "1.5h", "2d" or a bare number of minutes → minutes; null when unreadable. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const minutes = unit === 'd' ? n * 1440 : unit === 'h' ? n * 60 : n;
  return Number.isFinite(minutes) ? Math.round(minutes) : null;
}

export function formatMinutes(minutes: number | undefined): string {
  if (minutes === undefined) return '';
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

export const levelsOf = (basis: (typeof SLA_BASES)[number]): readonly string[] => (basis === 'priority' ? TICKET_PRIORITIES : TICKET_SEVERITIES);

/** Form field of one target: `target.<level>.<target>`. */
export const targetField = (level: string, target: SlaTarget) => `target.${level}.${target}`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : null));
const checkbox = z.preprocess((v) => v === '1' || v === 'on' || v === true || v === 'true', z.boolean());

export const agreementInput = z
  .object({
    name: z.string({ error: 'Name the agreement' }).trim().min(1, 'Name the agreement').max(100, 'At most 100 characters'),
    seller: z.string({ error: 'Choose a Seller' }).trim().min(1, 'Choose a Seller'),
    productId: optionalText(200),
    siteId: optionalText(200),
    basis: z.enum(SLA_BASES, { error: 'Severity or priority' }).default('severity'),
    pausePending: checkbox,
    pauseAssessingCancellation: checkbox,
    atRiskPercent: z.coerce.number({ error: 'A whole percentage' }).int('A whole percentage').min(1, 'Between 1 and 99').max(99, 'Between 1 and 99'),
    calendar: z
      .string()
      .optional()
      .transform((v) => (v ? Number(v) : null))
      .refine((v) => v === null || (Number.isInteger(v) && v > 0), 'Choose a calendar'),
    validFrom: z.string({ error: 'A date (YYYY-MM-DD)' }).trim().refine(isDay, 'A date (YYYY-MM-DD)'),
    validTo: z
      .string()
      .trim()
      .optional()
      .refine((v) => !v || isDay(v), 'A date (YYYY-MM-DD), or empty for open-ended'),
  })
  .catchall(z.unknown())
  .superRefine((v, ctx) => {
    if (v.productId && v.siteId) ctx.addIssue({ code: 'custom', path: ['siteId'], message: 'Narrow by product or by site, not both' });
    if (v.validTo && v.validTo <= v.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'The last day must come on or after the first' });
  })
  .transform((v, ctx) => {
    const targets: Record<string, TargetMinutes> = {};
    let count = 0;
    for (const level of levelsOf(v.basis)) {
      for (const target of SLA_TARGETS) {
        const raw = v[targetField(level, target)];
        if (raw === undefined || raw === null || String(raw).trim() === '') continue;
        const minutes = parseDuration(String(raw));
        if (minutes === null || minutes < 1 || minutes > 366 * 1440) {
          ctx.addIssue({ code: 'custom', path: [targetField(level, target)], message: 'A duration such as 30m, 4h or 2d (up to a year)' });
          continue;
        }
        (targets[level] ??= {})[target] = minutes;
        count++;
      }
    }
    if (count === 0) ctx.addIssue({ code: 'custom', path: ['targets'], message: 'Set at least one target' });
    const pauseStates = [...(v.pausePending ? (['pending'] as const) : []), ...(v.pauseAssessingCancellation ? (['assessingCancellation'] as const) : [])];
    return {
      name: v.name,
      seller: v.seller,
      productId: v.productId,
      siteId: v.siteId,
      basis: v.basis,
      targets,
      pauseStates,
      atRiskPercent: v.atRiskPercent,
      calendarId: v.calendar,
      validFrom: `${v.validFrom}T00:00:00.000Z`,
      // The last day is inclusive on the form; stored as the instant the next day starts.
      validTo: v.validTo ? new Date(Date.parse(`${v.validTo}T00:00:00Z`) + 86_400_000).toISOString() : null,
    };
  });

export type AgreementInput = z.output<typeof agreementInput>;

/** Whether two validity periods overlap (ends exclusive, null = open-ended). */
export function periodsOverlap(a: { validFrom: string; validTo: string | null }, b: { validFrom: string; validTo: string | null }): boolean {
  const aEnd = a.validTo ? Date.parse(a.validTo) : Infinity;
  const bEnd = b.validTo ? Date.parse(b.validTo) : Infinity;
  return Date.parse(a.validFrom) < bEnd && Date.parse(b.validFrom) < aEnd;
}

export const calendarInput = z
  .object({
    name: z.string({ error: 'Name the calendar' }).trim().min(1, 'Name the calendar').max(100, 'At most 100 characters'),
    timeZone: z.string({ error: 'An IANA time zone, e.g. Europe/Paris' }).trim(),
    holidays: z.string().max(100_000, 'Too many dates').optional(),
    ics: z.string().max(1_000_000, 'The file is larger than 1 MB').optional(),
  })
  .catchall(z.unknown())
  .transform((v, ctx) => {
    // Checked here rather than on the field, so the hours' errors are reported in the same round.
    if (!v.timeZone || !isTimeZone(v.timeZone)) ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'An IANA time zone, e.g. Europe/Paris' });
    const hours: Array<{ day: number; from: number; to: number }> = [];
    WEEKDAYS.forEach((_, day) => {
      const open = String(v[`open.${day}`] ?? '').trim();
      const close = String(v[`close.${day}`] ?? '').trim();
      if (!open && !close) return;
      const from = parseClockTime(open);
      const to = parseClockTime(close);
      if (from === null) ctx.addIssue({ code: 'custom', path: [`open.${day}`], message: 'A time such as 08:00' });
      if (to === null) ctx.addIssue({ code: 'custom', path: [`close.${day}`], message: 'A time such as 18:00 (24:00 for midnight)' });
      if (from !== null && to !== null) {
        if (to <= from) ctx.addIssue({ code: 'custom', path: [`close.${day}`], message: 'Closes after it opens' });
        else hours.push({ day, from, to });
      }
    });
    if (hours.length === 0) ctx.addIssue({ code: 'custom', path: ['open.1'], message: 'Open on at least one day' });
    const listed = (v.holidays ?? '').split(/[\s,;]+/).filter(Boolean);
    const bad = listed.filter((d) => !isDay(d));
    if (bad.length) ctx.addIssue({ code: 'custom', path: ['holidays'], message: `Not a date (YYYY-MM-DD): ${bad.slice(0, 3).join(', ')}` });
    let fromIcs: string[] = [];
    if (v.ics && v.ics.trim()) {
      const parsed = holidaysFromIcs(v.ics);
      if (parsed.errors.length) ctx.addIssue({ code: 'custom', path: ['ics'], message: parsed.errors[0]! });
      fromIcs = parsed.dates;
    }
    return { name: v.name, timeZone: v.timeZone, hours, holidays: [...new Set([...listed.filter(isDay), ...fromIcs])].sort() };
  });

export type CalendarInput = z.output<typeof calendarInput>;
