'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { createSlaCalendar, updateSlaCalendar } from '@/lib/actions/sla';
import { formatClockTime } from '@/lib/domain/sla-calendar';
import { WEEKDAYS } from '@/lib/domain/sla-agreement-input';
import { FormStatus } from './form-status';
import { useSettingsForm } from './use-settings-form';

export interface CalendarFormValues {
  id: number;
  name: string;
  timeZone: string;
  hours: Array<{ day: number; from: number; to: number }>;
  holidays: string[];
}

const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

export function SlaCalendarForm({ calendar }: { calendar?: CalendarFormValues }) {
  const editing = calendar !== undefined;
  const router = useRouter();
  const [ics, setIcs] = useState('');
  const { state, pending, onSubmit, errorOf } = useSettingsForm(editing ? updateSlaCalendar : createSlaCalendar);
  useEffect(() => {
    if (state.ok) router.push('/settings/sla');
  }, [state, router]);
  const hoursOf = (day: number) => calendar?.hours.find((h) => h.day === day);
  const fresh = !editing;

  return (
    <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4" aria-label="SLA calendar">
      <FormStatus state={state} />
      {editing ? <input type="hidden" name="id" value={calendar.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" required error={errorOf('name')}>
          <Input name="name" defaultValue={calendar?.name} autoComplete="off" />
        </Field>
        <Field label="Time zone" required error={errorOf('timeZone')} hint="IANA name of the sites’ zone, e.g. Europe/Paris.">
          <Input name="timeZone" defaultValue={calendar?.timeZone ?? 'UTC'} autoComplete="off" />
        </Field>
      </div>
      <fieldset className="rounded-md border border-border p-3">
        <legend className="px-1 text-sm font-medium">Business hours (empty = closed that day)</legend>
        <div className="grid grid-cols-[7rem_1fr_1fr] gap-2 text-sm">
          {WEEK_ORDER.map((day) => {
            const h = hoursOf(day);
            const weekday = day >= 1 && day <= 5;
            return (
              <div key={day} className="contents">
                <span className="self-center">{WEEKDAYS[day]}</span>
                <div>
                  <Input name={`open.${day}`} aria-label={`${WEEKDAYS[day]} opens`} placeholder="08:00" defaultValue={h ? formatClockTime(h.from) : fresh && weekday ? '08:00' : ''} />
                  {errorOf(`open.${day}`) ? <p className="mt-0.5 text-xs text-danger-fg">{errorOf(`open.${day}`)!.join(' ')}</p> : null}
                </div>
                <div>
                  <Input name={`close.${day}`} aria-label={`${WEEKDAYS[day]} closes`} placeholder="18:00" defaultValue={h ? formatClockTime(h.to) : fresh && weekday ? '18:00' : ''} />
                  {errorOf(`close.${day}`) ? <p className="mt-0.5 text-xs text-danger-fg">{errorOf(`close.${day}`)!.join(' ')}</p> : null}
                </div>
              </div>
            );
          })}
        </div>
      </fieldset>
      <Field label="Public holidays" optional error={errorOf('holidays')} hint="Dates (YYYY-MM-DD), one per line or separated by commas.">
        <Textarea name="holidays" rows={4} defaultValue={calendar?.holidays.join('\n')} className="font-mono" />
      </Field>
      <Field label="Import holidays from an iCalendar file (.ics)" optional error={errorOf('ics')} hint="Every event’s date is added to the list above.">
        <Input
          type="file"
          accept=".ics,text/calendar"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            setIcs(file ? await file.text() : '');
          }}
        />
      </Field>
      <input type="hidden" name="ics" value={ics} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" loading={pending}>
          {editing ? 'Save calendar' : 'Add calendar'}
        </Button>
        <Button variant="ghost" onClick={() => router.push('/settings/sla')}>
          Back to agreements
        </Button>
      </div>
    </form>
  );
}
