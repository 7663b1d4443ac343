/**
 * Who else has a ticket open, and who is writing an update on it: announced by each browser tab, kept in the server's
 * memory, carried to the other tabs on the live stream (`event: presence`). Shared by the route, the registry and the
 * browser.
 */
import { z } from 'zod';

/** viewing: the tab shows the ticket; writing: the operator typed in the update form; idle: stopped writing; left. */
export const PRESENCE_STATES = ['viewing', 'writing', 'idle', 'left'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** How often an open ticket page says it is still there. */
export const PRESENCE_ANNOUNCE_MS = 10_000;
/** A tab not heard of for this long (three announcements missed) is gone. */
export const PRESENCE_TTL_MS = 30_000;
/** "Writing" lasts this long after the last keystroke. */
export const WRITING_MS = 8_000;
/** The browser repeats "writing" at most this often while the operator types. */
export const WRITING_SIGNAL_MS = 3_000;

export const TAB_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * What a browser may announce: only its own tab and a ticket; who is announcing comes from the session. Any other
 * member (a user id, a name, a role) is refused, not ignored, so a forged announcement is visible as such.
 */
export const presenceAnnouncementSchema = z.strictObject({
  tabId: z.string().regex(TAB_ID_PATTERN, 'The tab id must be 8 to 64 letters, digits, - or _'),
  ticketId: z.number().int().positive('Name a ticket by its id'),
  state: z.enum(PRESENCE_STATES, 'The state must be viewing, writing, idle or left'),
});
export type PresenceAnnouncement = z.infer<typeof presenceAnnouncementSchema>;

export interface PresencePeer {
  userId: number;
  name: string;
  writing: boolean;
}

/** One `event: presence` frame: the other users on a ticket, as the receiving tab should show them. */
export interface PresenceMessage {
  ticketId: number;
  others: PresencePeer[];
}
