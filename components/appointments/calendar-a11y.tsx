'use client';

import { useEffect, useRef } from 'react';

/**
 * react-big-calendar's week and day views put ARIA table parts (column headers, a row group, a row) in a layout that
 * is no table: assistive technology is told of a grid that is not there (aria-required-parent/children). Their day
 * headings become plain text, the stray roles are taken off, and the scrolling hours get a name and a tab stop so
 * they can be scrolled with the keyboard. The month view is a real ARIA table and keeps its roles.
 */
function DayHeading({ label }: { label: React.ReactNode }) {
  return <span>{label}</span>;
}

export const CALENDAR_TIME_VIEW_COMPONENTS = {
  week: { header: DayHeading },
  work_week: { header: DayHeading },
  day: { header: DayHeading },
};

const STRAY_ROLES = '.rbc-time-view .rbc-allday-cell[role], .rbc-time-view .rbc-row-content[role]';

function repair(root: HTMLElement) {
  for (const el of root.querySelectorAll(STRAY_ROLES)) el.removeAttribute('role');
  for (const el of root.querySelectorAll<HTMLElement>('.rbc-time-content:not([tabindex])')) {
    el.tabIndex = 0;
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', 'Hours of the day');
  }
}

/** A ref for the element around a react-big-calendar: keeps its time views free of the stray roles above. */
export function useCalendarRoles<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    repair(root);
    const observer = new MutationObserver(() => repair(root));
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return ref;
}
