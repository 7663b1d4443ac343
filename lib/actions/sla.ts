'use server';

import { and, eq, ne } from 'drizzle-orm';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { products, slaAgreements, slaCalendars } from '@/db/schema';
import { transaction, write } from '@/db/transaction';
import { authorizedAction, type ActionState } from '@/lib/actions/authorized-action';
import { audit } from '@/lib/data/audit';
import { agreementInput, calendarInput, formatMinutes, periodsOverlap, targetField, WEEKDAYS, type AgreementInput } from '@/lib/domain/sla-agreement-input';
import { formatClockTime } from '@/lib/domain/sla-calendar';
import { SLA_TARGETS } from '@/lib/domain/sla-targets';
import { getSellerBySlug } from '@/lib/sellers/registry';
import { recomputeSellerSlaTx } from '@/lib/sync/sla-clocks';

const idInput = z.coerce.number({ error: 'Unknown item' }).int().positive('Unknown item');
const createAgreementInput = agreementInput;
const updateAgreementInput = z.object({ id: idInput }).catchall(z.unknown()).transform((v, ctx) => {
  const parsed = agreementInput.safeParse(v);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  return { id: v.id, ...parsed.data };
});
const deleteInput = z.object({ id: idInput });

const fieldError = (field: string, message: string, status: ActionState['status'] = 400): ActionState<never> => ({
  ok: false,
  status,
  message: 'Some fields need your attention.',
  errors: { [field]: [message] },
});

function refresh() {
  revalidatePath('/settings/sla');
  revalidatePath('/tickets');
  revalidatePath('/service-levels');
}

/** Checks what the schema cannot: the Seller, product and calendar exist, and no other agreement covers the same tickets. */
async function checkAgreement(input: AgreementInput, id?: number): Promise<{ sellerId: number } | ActionState<never>> {
  const seller = await getSellerBySlug(input.seller);
  if (!seller) return fieldError('seller', 'Choose a Seller');
  const db = getDb();
  if (input.productId) {
    const product = (await db.select({ id: products.id }).from(products).where(and(eq(products.sellerId, seller.id), eq(products.productId, input.productId))).limit(1))[0];
    if (!product) return fieldError('productId', `${seller.name} has no product "${input.productId}"`);
  }
  if (input.siteId) {
    const site = (await db.select({ id: products.id }).from(products).where(and(eq(products.sellerId, seller.id), eq(products.siteId, input.siteId))).limit(1))[0];
    if (!site) return fieldError('siteId', `No product of ${seller.name} is at site "${input.siteId}"`);
  }
  if (input.calendarId !== null && !((await db.select({ id: slaCalendars.id }).from(slaCalendars).where(eq(slaCalendars.id, input.calendarId)).limit(1))[0])) {
    return fieldError('calendar', 'Choose a calendar');
  }
  const others = await db
    .select()
    .from(slaAgreements)
    .where(and(eq(slaAgreements.sellerId, seller.id), id ? ne(slaAgreements.id, id) : undefined));
  const clash = others.find((o) => o.productId === input.productId && o.siteId === input.siteId && periodsOverlap(o, input));
  if (clash) return fieldError('validFrom', `"${clash.name}" already covers these tickets in that period: end it first, or start this one after it`, 409);
  return { sellerId: seller.id };
}

function rowValues(input: AgreementInput, sellerId: number) {
  const { seller: _seller, ...rest } = input;
  return { ...rest, sellerId };
}

export const createSlaAgreement = authorizedAction('sla.manage', createAgreementInput, async (input, user) => {
  const checked = await checkAgreement(input);
  if ('ok' in checked) return checked;
  const row = await transaction(async (tx) => {
    const created = (await tx.insert(slaAgreements).values(rowValues(input, checked.sellerId)).returning())[0]!;
    await recomputeSellerSlaTx(tx, checked.sellerId, created.validFrom);
    return created;
  });
  await audit(user, 'slaAgreement.create', 'slaAgreement', row.id, { ...input });
  refresh();
  return { ok: true, message: `Agreement ${row.name} saved.`, data: { id: row.id } };
});

export const updateSlaAgreement = authorizedAction('sla.manage', updateAgreementInput, async ({ id, ...input }, user) => {
  const current = (await getDb().select().from(slaAgreements).where(eq(slaAgreements.id, id)).limit(1))[0];
  if (!current) return { ok: false, status: 404, message: 'This agreement no longer exists.' };
  const checked = await checkAgreement(input, id);
  if ('ok' in checked) return checked;
  const values = rowValues(input, checked.sellerId);
  await transaction(async (tx) => {
    await tx.update(slaAgreements)
      .set({ ...values, updatedAt: new Date().toISOString() })
      .where(eq(slaAgreements.id, id));
    const from = [current.validFrom, values.validFrom].sort()[0]!;
    await recomputeSellerSlaTx(tx, current.sellerId, from);
    if (checked.sellerId !== current.sellerId) await recomputeSellerSlaTx(tx, checked.sellerId, values.validFrom);
  });
  const changed = Object.fromEntries(
    Object.entries(values)
      .filter(([k, v]) => JSON.stringify(current[k as keyof typeof current]) !== JSON.stringify(v))
      .map(([k, v]) => [k, { from: current[k as keyof typeof current], to: v }]),
  );
  await audit(user, 'slaAgreement.update', 'slaAgreement', id, { changed });
  refresh();
  return { ok: true, message: `Agreement ${values.name} saved. Tickets closed under it keep their verdicts.`, data: { id } };
});

export const deleteSlaAgreement = authorizedAction('sla.manage', deleteInput, async ({ id }, user) => {
  const current = (await getDb().select().from(slaAgreements).where(eq(slaAgreements.id, id)).limit(1))[0];
  if (!current) return { ok: false, status: 404, message: 'This agreement no longer exists.' };
  await transaction(async (tx) => {
    await tx.delete(slaAgreements).where(eq(slaAgreements.id, id));
    await recomputeSellerSlaTx(tx, current.sellerId, current.validFrom);
  });
  await audit(user, 'slaAgreement.delete', 'slaAgreement', id, { name: current.name, sellerId: current.sellerId });
  refresh();
  return { ok: true, message: `Agreement ${current.name} deleted. Verdicts of closed tickets are kept.` };
});

const updateCalendarInput = z.object({ id: idInput }).catchall(z.unknown()).transform((v, ctx) => {
  const parsed = calendarInput.safeParse(v);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  return { id: v.id, ...parsed.data };
});

async function nameTaken(name: string, id?: number): Promise<boolean> {
  return !!((await getDb()
    .select({ id: slaCalendars.id })
    .from(slaCalendars)
    .where(and(eq(slaCalendars.name, name), id ? ne(slaCalendars.id, id) : undefined))
    .limit(1))[0]);
}

export const createSlaCalendar = authorizedAction('sla.manage', calendarInput, async (input, user) => {
  if (await nameTaken(input.name)) return fieldError('name', 'Another calendar has this name', 409);
  const row = (await write(() => getDb().insert(slaCalendars).values(input).returning()))[0]!;
  await audit(user, 'slaCalendar.create', 'slaCalendar', row.id, { ...input, holidays: input.holidays.length });
  refresh();
  return { ok: true, message: `Calendar ${row.name} saved with ${input.holidays.length} holiday(s).`, data: { id: row.id } };
});

export const updateSlaCalendar = authorizedAction('sla.manage', updateCalendarInput, async ({ id, ...input }, user) => {
  const current = (await getDb().select().from(slaCalendars).where(eq(slaCalendars.id, id)).limit(1))[0];
  if (!current) return { ok: false, status: 404, message: 'This calendar no longer exists.' };
  if (await nameTaken(input.name, id)) return fieldError('name', 'Another calendar has this name', 409);
  await transaction(async (tx) => {
    await tx.update(slaCalendars)
      .set({ ...input, updatedAt: new Date().toISOString() })
      .where(eq(slaCalendars.id, id));
    const users = await tx.select({ sellerId: slaAgreements.sellerId, validFrom: slaAgreements.validFrom }).from(slaAgreements).where(eq(slaAgreements.calendarId, id));
    for (const a of users) await recomputeSellerSlaTx(tx, a.sellerId, a.validFrom);
  });
  await audit(user, 'slaCalendar.update', 'slaCalendar', id, {
    from: { name: current.name, timeZone: current.timeZone, hours: current.hours, holidays: current.holidays },
    to: input,
  });
  refresh();
  return { ok: true, message: `Calendar ${input.name} saved.`, data: { id } };
});

export const deleteSlaCalendar = authorizedAction('sla.manage', deleteInput, async ({ id }, user) => {
  const current = (await getDb().select().from(slaCalendars).where(eq(slaCalendars.id, id)).limit(1))[0];
  if (!current) return { ok: false, status: 404, message: 'This calendar no longer exists.' };
  const inUse = await getDb().select({ name: slaAgreements.name }).from(slaAgreements).where(eq(slaAgreements.calendarId, id));
  if (inUse.length) return { ok: false, status: 409, message: `Calendar ${current.name} is used by ${inUse.map((a) => a.name).join(', ')}.` };
  await write(() => getDb().delete(slaCalendars).where(eq(slaCalendars.id, id)));
  await audit(user, 'slaCalendar.delete', 'slaCalendar', id, { name: current.name });
  refresh();
  return { ok: true, message: `Calendar ${current.name} deleted.` };
});

const importInput = z.object({
  json: z.string({ error: 'Choose a JSON file' }).min(1, 'Choose a JSON file').max(1_000_000, 'The file is larger than 1 MB'),
});

interface ExportedCalendar {
  name?: unknown;
  timeZone?: unknown;
  hours?: Array<{ day?: unknown; from?: unknown; to?: unknown }>;
  holidays?: unknown[];
}
interface ExportedAgreement {
  name?: unknown;
  seller?: unknown;
  productId?: unknown;
  siteId?: unknown;
  basis?: unknown;
  targets?: Record<string, Record<string, unknown>>;
  pauseStates?: unknown[];
  atRiskPercent?: unknown;
  calendar?: unknown;
  validFrom?: unknown;
  validTo?: unknown;
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/** An exported calendar as the calendar form would have sent it, so one validation covers both. */
function calendarForm(c: ExportedCalendar): Record<string, unknown> {
  const form: Record<string, unknown> = { name: text(c.name), timeZone: text(c.timeZone), holidays: (c.holidays ?? []).map(text).join('\n') };
  for (const h of c.hours ?? []) {
    if (typeof h.day !== 'number' || !WEEKDAYS[h.day]) continue;
    form[`open.${h.day}`] = typeof h.from === 'number' ? formatClockTime(h.from) : text(h.from);
    form[`close.${h.day}`] = typeof h.to === 'number' ? formatClockTime(h.to) : text(h.to);
  }
  return form;
}

function agreementForm(a: ExportedAgreement, calendarId: number | null): Record<string, unknown> {
  const form: Record<string, unknown> = {
    name: text(a.name),
    seller: text(a.seller),
    productId: text(a.productId),
    siteId: text(a.siteId),
    basis: text(a.basis) || 'severity',
    pausePending: (a.pauseStates ?? []).includes('pending'),
    pauseAssessingCancellation: (a.pauseStates ?? []).includes('assessingCancellation'),
    atRiskPercent: text(a.atRiskPercent ?? 75),
    calendar: calendarId === null ? '' : String(calendarId),
    validFrom: text(a.validFrom).slice(0, 10),
    validTo: a.validTo ? new Date(Date.parse(text(a.validTo)) - 86_400_000).toISOString().slice(0, 10) : '',
  };
  for (const [level, targets] of Object.entries(a.targets ?? {})) {
    for (const target of SLA_TARGETS) {
      const minutes = targets?.[target];
      if (minutes !== undefined) form[targetField(level, target)] = typeof minutes === 'number' ? formatMinutes(minutes) : text(minutes);
    }
  }
  return form;
}

/**
 * Imports agreements and calendars in the format of the JSON export: every entry is validated as the forms validate
 * it, and nothing is written unless all of them pass. Calendars are matched by name (replaced); agreements are added.
 */
export const importSlaAgreements = authorizedAction('sla.manage', importInput, async ({ json }, user) => {
  let parsed: { calendars?: ExportedCalendar[]; agreements?: ExportedAgreement[] };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return { ok: false, status: 422, message: 'The file is not JSON.', errors: { json: ['The file is not JSON.'] } };
  }
  if (!parsed || typeof parsed !== 'object' || (!Array.isArray(parsed.agreements) && !Array.isArray(parsed.calendars))) {
    return { ok: false, status: 422, message: 'Expected { calendars: [...], agreements: [...] } as exported.', errors: { json: ['Expected { calendars: [...], agreements: [...] } as exported.'] } };
  }
  const problems: string[] = [];
  const calendars = (parsed.calendars ?? []).map((c, i) => {
    const r = calendarInput.safeParse(calendarForm(c));
    if (!r.success) problems.push(`calendar ${i + 1} (${text(c.name) || 'no name'}): ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
    return r.success ? r.data : null;
  });
  const existingCalendars = await getDb().select().from(slaCalendars);
  const calendarNames = new Set([...existingCalendars.map((c) => c.name), ...calendars.flatMap((c) => (c ? [c.name] : []))]);
  const checkedAgreements: Array<{ input: AgreementInput; calendarName: string | null; sellerId: number }> = [];
  for (const [i, a] of (parsed.agreements ?? []).entries()) {
    const calendarName = a.calendar ? text(a.calendar) : null;
    if (calendarName && !calendarNames.has(calendarName)) {
      problems.push(`agreement ${i + 1} (${text(a.name)}): unknown calendar "${calendarName}"`);
      continue;
    }
    // A placeholder calendar id passes the form's check; the real one is set when written.
    const r = agreementInput.safeParse(agreementForm(a, null));
    if (!r.success) {
      problems.push(`agreement ${i + 1} (${text(a.name) || 'no name'}): ${r.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
      continue;
    }
    const checked = await checkAgreement(r.data);
    if ('ok' in checked) {
      problems.push(`agreement ${i + 1} (${r.data.name}): ${Object.values(checked.errors ?? {}).flat().join('; ')}`);
      continue;
    }
    const clash = checkedAgreements.find((o) => o.sellerId === checked.sellerId && o.input.productId === r.data.productId && o.input.siteId === r.data.siteId && periodsOverlap(o.input, r.data));
    if (clash) problems.push(`agreement ${i + 1} (${r.data.name}): overlaps "${clash.input.name}" in the same file`);
    else checkedAgreements.push({ input: r.data, calendarName, sellerId: checked.sellerId });
  }
  if (problems.length) return { ok: false, status: 422, message: `Nothing was imported: ${problems.length} problem(s).`, errors: { json: problems } };
  await transaction(async (tx) => {
    const ids = new Map(existingCalendars.map((c) => [c.name, c.id]));
    for (const c of calendars) {
      if (!c) continue;
      const id = ids.get(c.name);
      if (id) await tx.update(slaCalendars).set({ ...c, updatedAt: new Date().toISOString() }).where(eq(slaCalendars.id, id));
      else ids.set(c.name, (await tx.insert(slaCalendars).values(c).returning())[0]!.id);
    }
    for (const a of checkedAgreements) {
      await tx.insert(slaAgreements).values({ ...rowValues(a.input, a.sellerId), calendarId: a.calendarName ? ids.get(a.calendarName)! : null });
    }
    for (const sellerId of new Set(checkedAgreements.map((a) => a.sellerId))) await recomputeSellerSlaTx(tx, sellerId, null);
  });
  await audit(user, 'slaAgreement.import', 'slaAgreement', 'json', { calendars: calendars.length, agreements: checkedAgreements.map((a) => a.input.name) });
  refresh();
  return { ok: true, message: `Imported ${checkedAgreements.length} agreement(s) and ${calendars.length} calendar(s).` };
});
