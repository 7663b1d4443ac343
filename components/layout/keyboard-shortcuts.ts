/** Every keyboard shortcut of the portal, in one place: the `?` sheet lists them, the screens that handle them cite them. */
export interface Shortcut {
  keys: readonly string[];
  what: string;
}

export interface ShortcutGroup {
  where: string;
  shortcuts: readonly Shortcut[];
}

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    where: 'Anywhere',
    shortcuts: [
      { keys: ['?'], what: 'Show this list of shortcuts' },
      { keys: ['Esc'], what: 'Close a dialog or an open menu' },
    ],
  },
  {
    where: 'Ticket queue',
    shortcuts: [
      { keys: ['/'], what: 'Focus the search box' },
      { keys: ['j', '↓'], what: 'Move to the next ticket' },
      { keys: ['k', '↑'], what: 'Move to the previous ticket' },
      { keys: ['x'], what: 'Select or unselect the current ticket' },
      { keys: ['Enter', 'o'], what: 'Open the current ticket' },
      { keys: ['n'], what: 'Add a note to the selected tickets (or the current one)' },
      { keys: ['a'], what: 'Accept the resolution of the selected tickets (or the current one)' },
      { keys: ['Shift + click'], what: 'Select every ticket between the last one clicked and this one' },
    ],
  },
  {
    where: 'Tabs',
    shortcuts: [
      { keys: ['←', '→'], what: 'Previous or next tab' },
      { keys: ['Home', 'End'], what: 'First or last tab' },
    ],
  },
];

const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

/** Keys typed into a text field (or a select) are input, not shortcuts; a focused checkbox or button takes shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.tagName === 'INPUT') return !NOT_TEXT.has((el as HTMLInputElement).type);
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}
