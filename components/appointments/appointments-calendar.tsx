'use client';

import 'react-big-calendar/lib/css/react-big-calendar.css';
import './calendar-theme.css';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { Calendar, dayjsLocalizer, type View } from 'react-big-calendar';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/select';
import { useNarrowScreen } from '@/components/ui/use-narrow-screen';
import type { AppointmentListItem } from '@/lib/data/appointments';
import { APPOINTMENT_STATUS, APPOINTMENT_STATUSES } from '@/lib/domain/mef-labels';
import { formatWindowIn } from '@/lib/domain/time-windows';
import { CALENDAR_TIME_VIEW_COMPONENTS, useCalendarRoles } from './calendar-a11y';
import { sellerColour } from './seller-colours';
import { useUserTimeZone } from './zoned-time';

const localizer = dayjsLocalizer(dayjs);
const ENDED = new Set(['cancelled', 'missed', 'failed', 'completed']);

interface Option {
  value: string;
  label: string;
}

interface CalendarEvent {
  title: string;
  start: Date;
  end: Date;
  item: AppointmentListItem;
}

function rangeAround(date: Date): { from: string; to: string } {
  const d = dayjs(date);
  return { from: d.startOf('month').subtract(7, 'day').toISOString(), to: d.endOf('month').add(37, 'day').toISOString() };
}

const statusLabel = (s: string) => (APPOINTMENT_STATUS as Record<string, { label: string }>)[s]?.label ?? s;

export function AppointmentsCalendar({ sellers, sites }: { sellers: Option[]; sites: Option[] }) {
  const router = useRouter();
  const userZone = useUserTimeZone();
  const [date, setDate] = useState(() => new Date());
  const calendarRef = useCalendarRoles<HTMLDivElement>();
  const [chosenView, setView] = useState<View>('week');
  const narrow = useNarrowScreen();
  // A week or a month does not fit a phone: there the calendar lists appointments or shows one day.
  const view: View = narrow && chosenView !== 'day' ? 'agenda' : chosenView;
  const [seller, setSeller] = useState('');
  const [status, setStatus] = useState('');
  const [site, setSite] = useState('');
  const range = rangeAround(date);

  const query = useQuery({
    queryKey: ['appointments', range.from, range.to, seller, status, site],
    queryFn: async () => {
      const params = new URLSearchParams({ from: range.from, to: range.to });
      if (seller) params.set('seller', seller);
      if (status) params.set('status', status);
      if (site) params.set('site', site);
      const res = await fetch(`/appointments/feed.json?${params}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`The appointments could not be loaded (HTTP ${res.status}).`);
      return ((await res.json()) as { items: AppointmentListItem[] }).items;
    },
    // The top bar's live hook invalidates ['appointments'] on each Seller notification; polling only covers a dropped stream.
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
    placeholderData: (previous) => previous,
  });

  const colourOf = useMemo(() => new Map(sellers.map((s, i) => [s.value, sellerColour(i)])), [sellers]);
  const events = useMemo<CalendarEvent[]>(
    () =>
      (query.data ?? [])
        .filter((a) => a.startAt && a.endAt)
        .map((a) => ({
          title: `${a.sellerName} · ${a.siteName} · ${statusLabel(a.status)} · ${formatWindowIn({ start: a.startAt!, end: a.endAt! }, a.timeZone)} site time`,
          start: new Date(a.startAt!),
          end: new Date(a.endAt!),
          item: a,
        })),
    [query.data],
  );

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3 max-sm:flex-col max-sm:items-stretch" role="group" aria-label="Filter appointments">
        <Field label="Seller">
          <Select value={seller} onChange={(e) => setSeller(e.target.value)} placeholder="All Sellers" options={sellers} className="w-48 max-sm:w-full" />
        </Field>
        <Field label="Status">
          <Select
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            placeholder="All statuses"
            options={APPOINTMENT_STATUSES.map((s) => ({ value: s, label: APPOINTMENT_STATUS[s].label }))}
            className="w-48 max-sm:w-full"
          />
        </Field>
        <Field label="Site">
          <Select value={site} onChange={(e) => setSite(e.target.value)} placeholder="All sites" options={sites} className="w-64 max-sm:w-full" />
        </Field>
        <ul className="ml-auto flex flex-wrap gap-3 text-xs max-sm:ml-0" aria-label="Seller colours">
          {sellers.map((s) => (
            <li key={s.value} className="flex items-center gap-1.5">
              <span aria-hidden="true" className="size-3 rounded-sm" style={{ background: colourOf.get(s.value) }} />
              {s.label}
            </li>
          ))}
        </ul>
      </div>
      <p className="text-xs text-fg-muted">
        Times on the calendar are in your time zone{userZone ? ` (${userZone})` : ''}; each appointment also gives its site time. Crossed-out
        appointments have ended or were cancelled.
      </p>
      {query.isError ? (
        <Alert tone="danger" live>
          {(query.error as Error).message}
        </Alert>
      ) : null}
      <div ref={calendarRef} className="portal-calendar h-[720px]" data-testid="appointments-calendar" data-loaded={query.isSuccess ? 'true' : 'false'}>
        <Calendar<CalendarEvent>
          localizer={localizer}
          events={events}
          date={date}
          onNavigate={setDate}
          view={view}
          onView={setView}
          views={narrow ? ['day', 'agenda'] : ['month', 'week', 'day', 'agenda']}
          popup
          step={30}
          timeslots={2}
          scrollToTime={dayjs().hour(7).minute(0).toDate()}
          tooltipAccessor={(e) => e.title}
          onSelectEvent={(e) => router.push(`/appointments/${e.item.sellerSlug}/${e.item.id}`)}
          eventPropGetter={(e) => ({
            className: ENDED.has(e.item.status) ? 'event-ended' : undefined,
            style: { backgroundColor: colourOf.get(e.item.sellerSlug) ?? sellerColour(0), borderColor: 'transparent', color: '#fff' },
          })}
          components={{
            ...CALENDAR_TIME_VIEW_COMPONENTS,
            event: ({ event }) => (
              <span data-testid="calendar-appointment" data-appointment={event.item.id} data-status={event.item.status} className="flex flex-col leading-tight">
                <span className="font-medium">{event.item.sellerName}</span>
                <span>
                  {statusLabel(event.item.status)} · {event.item.siteName}
                </span>
              </span>
            ),
          }}
        />
      </div>
    </div>
  );
}
