'use client';

import 'react-big-calendar/lib/css/react-big-calendar.css';
import './calendar-theme.css';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { Calendar, dayjsLocalizer, type SlotInfo, type View } from 'react-big-calendar';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { useToast } from '@/components/ui/toast';
import { useNarrowScreen } from '@/components/ui/use-narrow-screen';
import { bookAppointment, rescheduleAppointment, searchTimeSlots, type SlotSearchResult } from '@/lib/actions/appointments';
import type { ActionState } from '@/lib/actions/authorized-action';
import { formatWindowIn, QUICK_PICKS, quickPickWindows, type TimeWindow } from '@/lib/domain/time-windows';
import { AttachmentPicker, type AttachmentDraft } from './attachment-picker';
import { CALENDAR_TIME_VIEW_COMPONENTS, useCalendarRoles } from './calendar-a11y';
import { ContactFields, type ContactValue } from './contact-fields';
import { ZoneLegend } from './zoned-time';

dayjs.extend(utc);
dayjs.extend(timezone);
const localizer = dayjsLocalizer(dayjs);

interface CalendarItem {
  title: string;
  start: Date;
  end: Date;
  kind: 'requested' | 'slot' | 'current';
  window: TimeWindow;
}

export interface SlotFinderProps {
  seller: string;
  sellerName: string;
  workOrderId: string;
  siteName: string;
  siteTimeZone: string;
  /** 'reschedule' moves `appointmentId` to the chosen slot. */
  mode: 'book' | 'reschedule';
  appointmentId?: string;
  currentPeriod?: TimeWindow;
  defaults?: { buyerContact: ContactValue; placeContact: ContactValue };
}

const toDate = (iso: string) => new Date(iso);

export function SlotFinder(props: SlotFinderProps) {
  const { seller, sellerName, workOrderId, siteName, siteTimeZone, mode } = props;
  const router = useRouter();
  const toast = useToast();
  const [windows, setWindows] = useState<TimeWindow[]>([]);
  const calendarRef = useCalendarRoles<HTMLDivElement>();
  const [result, setResult] = useState<SlotSearchResult | null>(null);
  const [state, setState] = useState<ActionState<SlotSearchResult> | null>(null);
  const [searching, setSearching] = useState(false);
  const [chosen, setChosen] = useState<TimeWindow | null>(null);
  const [date, setDate] = useState<Date>(() => toDate(props.currentPeriod?.start ?? new Date().toISOString()));
  const [chosenView, setView] = useState<View>('week');
  const narrow = useNarrowScreen();
  // On a phone a week is too narrow to pick from: one day at a time, or the list.
  const view: View = narrow && chosenView === 'week' ? 'day' : chosenView;
  const [draftDay, setDraftDay] = useState(() => dayjs().tz(siteTimeZone).add(1, 'day').format('YYYY-MM-DD'));
  const [draftFrom, setDraftFrom] = useState('08:00');
  const [draftTo, setDraftTo] = useState('18:00');

  const events = useMemo<CalendarItem[]>(() => {
    const items: CalendarItem[] = (result?.slots ?? []).map((w) => ({
      title: `Available: ${formatWindowIn(w, siteTimeZone)} site time`,
      start: toDate(w.start),
      end: toDate(w.end),
      kind: 'slot',
      window: w,
    }));
    if (props.currentPeriod) {
      items.push({ title: 'Current appointment', start: toDate(props.currentPeriod.start), end: toDate(props.currentPeriod.end), kind: 'current', window: props.currentPeriod });
    }
    return items;
  }, [result, siteTimeZone, props.currentPeriod]);

  const background = useMemo<CalendarItem[]>(
    () => windows.map((w) => ({ title: 'Requested window', start: toDate(w.start), end: toDate(w.end), kind: 'requested', window: w })),
    [windows],
  );

  function addWindow(w: TimeWindow) {
    setWindows((all) => [...all, w]);
    setDate(toDate(w.start));
    setResult(null);
    setState(null);
  }

  async function runSearch(list: TimeWindow[] = windows) {
    setSearching(true);
    try {
      const res = await searchTimeSlots({ seller, workOrderId, windows: list, ...(props.appointmentId ? { appointmentId: props.appointmentId } : {}) });
      setState(res);
      setResult(res.ok && res.data ? res.data : null);
      const first = res.data?.slots[0];
      if (first) setDate(toDate(first.start));
    } finally {
      setSearching(false);
    }
  }

  function onSelectSlot(slot: SlotInfo) {
    if (slot.action === 'click') return;
    addWindow({ start: slot.start.toISOString(), end: slot.end.toISOString() });
  }

  const draftWindow = (): TimeWindow | null => {
    const start = dayjs.tz(`${draftDay} ${draftFrom}`, 'YYYY-MM-DD HH:mm', siteTimeZone);
    const end = dayjs.tz(`${draftDay} ${draftTo}`, 'YYYY-MM-DD HH:mm', siteTimeZone);
    return start.isValid() && end.isValid() ? { start: start.toISOString(), end: end.toISOString() } : null;
  };

  const windowErrors = state?.errors ?? {};

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm text-fg">
            Mark the windows in which someone can let the technician in at <strong>{siteName}</strong>: drag on the calendar, add a window below,
            or use a quick pick. Then ask {sellerName} which slots it can offer.
          </p>
          <ZoneLegend siteTimeZone={siteTimeZone} />
        </div>
      </div>

      <div className="flex flex-wrap gap-2" role="group" aria-label="Quick picks">
        {QUICK_PICKS.map((pick) => (
          <Button
            key={pick.id}
            size="sm"
            onClick={() => {
              const picked = quickPickWindows(pick.id, { now: Date.now(), timeZone: siteTimeZone });
              setWindows(picked);
              if (picked[0]) setDate(toDate(picked[0].start));
              setResult(null);
              setState(null);
            }}
          >
            {pick.label}
          </Button>
        ))}
      </div>

      <form
        className="flex flex-wrap items-end gap-2 max-sm:flex-col max-sm:items-stretch"
        aria-label="Add a window"
        onSubmit={(event) => {
          event.preventDefault();
          const w = draftWindow();
          if (w) addWindow(w);
        }}
      >
        <Field label="Day (site time)">
          <Input type="date" value={draftDay} onChange={(e) => setDraftDay(e.target.value)} className="w-40 max-sm:w-full" />
        </Field>
        <Field label="From">
          <Input type="time" value={draftFrom} onChange={(e) => setDraftFrom(e.target.value)} className="w-28 max-sm:w-full" step={900} />
        </Field>
        <Field label="To">
          <Input type="time" value={draftTo} onChange={(e) => setDraftTo(e.target.value)} className="w-28 max-sm:w-full" step={900} />
        </Field>
        <Button type="submit">Add window</Button>
      </form>

      <section aria-label="Requested windows" className="flex flex-col gap-2">
        {windows.length === 0 ? (
          <p className="text-sm text-fg-muted">No windows yet.</p>
        ) : (
          <ol className="flex flex-col gap-1" data-testid="requested-windows">
            {windows.map((w, i) => (
              <li key={`${w.start}-${i}`} className="flex flex-col rounded-md border border-border bg-surface px-3 py-1.5 text-sm">
                <span className="flex items-center justify-between gap-3">
                  <span>
                    Window {i + 1}: {formatWindowIn(w, siteTimeZone)} site time
                  </span>
                  <Button variant="ghost" size="sm" onClick={() => setWindows((all) => all.filter((_, j) => j !== i))} aria-label={`Remove window ${i + 1}`}>
                    Remove
                  </Button>
                </span>
                {windowErrors[`windows.${i}`] ? (
                  <span className="text-xs font-medium text-danger-fg">{windowErrors[`windows.${i}`]!.join(' ')}</span>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        <div className="flex gap-2">
          <Button variant="primary" onClick={() => runSearch()} loading={searching} disabled={windows.length === 0}>
            Search available slots
          </Button>
          {windows.length ? (
            <Button variant="ghost" onClick={() => { setWindows([]); setResult(null); setState(null); }}>
              Clear windows
            </Button>
          ) : null}
        </div>
      </section>

      {state && !state.ok ? (
        <Alert tone="danger" live>
          {state.message}
        </Alert>
      ) : null}
      {result && result.slots.length === 0 ? (
        <Alert tone="warning" live title="No slot available">
          {state?.message}
        </Alert>
      ) : null}
      {result && result.slots.length > 0 ? (
        <Alert tone="success" live>
          {state?.message} Choose one on the calendar.
          {result.emptyWindows.length ? ` Nothing in ${result.emptyWindows.length} of your windows.` : ''}
        </Alert>
      ) : null}

      {/* On a phone the slots' list comes first: the calendar shows a day at a time, below it. */}
      <div ref={calendarRef} className="portal-calendar h-[640px] max-md:order-last">
        <Calendar<CalendarItem>
          localizer={localizer}
          events={events}
          backgroundEvents={background}
          date={date}
          onNavigate={setDate}
          view={view}
          onView={setView}
          views={narrow ? ['day', 'agenda'] : ['week', 'day', 'agenda']}
          selectable
          onSelectSlot={onSelectSlot}
          onSelectEvent={(event) => {
            if (event.kind === 'slot') setChosen(event.window);
          }}
          step={30}
          timeslots={2}
          scrollToTime={dayjs().hour(7).minute(0).toDate()}
          eventPropGetter={(event) => ({
            className: event.kind === 'slot' ? `event-slot${chosen?.start === event.window.start ? ' is-chosen' : ''}` : event.kind === 'current' ? 'event-current' : 'event-requested',
          })}
          components={{
            ...CALENDAR_TIME_VIEW_COMPONENTS,
            event: ({ event }) => (
              <span data-testid={event.kind === 'slot' ? 'slot-event' : undefined} data-start={event.window.start}>
                {event.kind === 'slot' ? 'Available' : event.title}
              </span>
            ),
          }}
          tooltipAccessor={(event) => event.title}
        />
      </div>

      {result && result.slots.length > 0 ? (
        <section aria-label="Available slots" className="flex flex-col gap-1">
          <h2 className="text-sm font-semibold">Available slots</h2>
          <ul className="flex flex-wrap gap-2">
            {result.slots.map((slot) => (
              <li key={slot.start}>
                <Button size="sm" variant={chosen?.start === slot.start ? 'primary' : 'secondary'} onClick={() => setChosen(slot)}>
                  {formatWindowIn(slot, siteTimeZone)}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {mode === 'book' && chosen ? (
        <BookingDialog
          {...props}
          slot={chosen}
          onClose={() => setChosen(null)}
          onSlotTaken={async (message) => {
            setChosen(null);
            toast.show({ tone: 'warning', title: 'Slot taken meanwhile', description: message });
            await runSearch();
          }}
          onBooked={(id) => {
            toast.success('Appointment booked', `${formatWindowIn(chosen, siteTimeZone)} site time with ${sellerName}.`);
            router.push(`/appointments/${seller}/${id}`);
          }}
        />
      ) : null}

      {mode === 'reschedule' && chosen && props.appointmentId ? (
        <RescheduleConfirm
          seller={seller}
          appointmentId={props.appointmentId}
          slot={chosen}
          siteTimeZone={siteTimeZone}
          onClose={() => setChosen(null)}
          onSlotTaken={async (message) => {
            setChosen(null);
            toast.show({ tone: 'warning', title: 'Slot taken meanwhile', description: message });
            await runSearch();
          }}
          onDone={() => {
            toast.success('Appointment moved', `${formatWindowIn(chosen, siteTimeZone)} site time.`);
            router.push(`/appointments/${seller}/${props.appointmentId}`);
            router.refresh();
          }}
        />
      ) : null}
    </div>
  );
}

function BookingDialog(
  props: SlotFinderProps & { slot: TimeWindow; onClose: () => void; onSlotTaken: (message: string) => Promise<void>; onBooked: (id: string) => void },
) {
  const empty = { name: '', number: '', emailAddress: '', organization: '' };
  const [buyerContact, setBuyerContact] = useState<ContactValue>(props.defaults?.buyerContact ?? empty);
  const [placeContact, setPlaceContact] = useState<ContactValue>(props.defaults?.placeContact ?? empty);
  const [note, setNote] = useState('');
  const [attachments, setAttachments] = useState<AttachmentDraft[]>([]);
  const [state, setState] = useState<ActionState<{ seller: string; id: string }> | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    try {
      const res = await bookAppointment({ seller: props.seller, workOrderId: props.workOrderId, slot: props.slot, buyerContact, placeContact, note, attachments });
      if (res.ok && res.data) return props.onBooked(res.data.id);
      if (res.status === 409) return await props.onSlotTaken(res.message ?? '');
      setState(res);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      onClose={props.onClose}
      dismissible={!busy}
      size="lg"
      title="Book this appointment"
      description={`${formatWindowIn(props.slot, props.siteTimeZone)} site time (${props.siteTimeZone}) at ${props.siteName}, with ${props.sellerName}.`}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose} disabled={busy}>
            Back to the slots
          </Button>
          <Button variant="primary" onClick={submit} loading={busy}>
            Confirm booking
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-4">
        {state && !state.ok ? (
          <Alert tone="danger" live>
            {state.message}
            {state.errors?.contacts ? ` ${state.errors.contacts.join(' ')}` : ''}
          </Alert>
        ) : null}
        <ContactFields legend="Your appointment contact" prefix="buyerContact" value={buyerContact} onChange={setBuyerContact} errors={state?.errors} />
        <ContactFields legend="Contact on site" prefix="placeContact" value={placeContact} onChange={setPlaceContact} errors={state?.errors} />
        <Field label="Note for the technician" optional error={state?.errors?.note}>
          <Textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} placeholder="Access, parking, who to ask for…" />
        </Field>
        <AttachmentPicker value={attachments} onChange={setAttachments} error={state?.errors?.attachments ?? Object.entries(state?.errors ?? {}).filter(([k]) => k.startsWith('attachments.')).flatMap(([, v]) => v)} />
      </div>
    </Dialog>
  );
}

function RescheduleConfirm(props: {
  seller: string;
  appointmentId: string;
  slot: TimeWindow;
  siteTimeZone: string;
  onClose: () => void;
  onSlotTaken: (message: string) => Promise<void>;
  onDone: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      open
      title="Move the appointment?"
      description={`The appointment will move to ${formatWindowIn(props.slot, props.siteTimeZone)} site time (${props.siteTimeZone}).`}
      confirmLabel="Move appointment"
      onCancel={props.onClose}
      onConfirm={async () => {
        const res = await rescheduleAppointment({ seller: props.seller, id: props.appointmentId, slot: props.slot });
        if (res.ok) return props.onDone();
        if (res.status === 409) return props.onSlotTaken(res.message ?? '');
        setError([res.message, ...Object.values(res.errors ?? {}).flat()].filter(Boolean).join(' '));
      }}
    >
      {error ? (
        <Alert tone="danger" live>
          {error}
        </Alert>
      ) : null}
    </ConfirmDialog>
  );
}
