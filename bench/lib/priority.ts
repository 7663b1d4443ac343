import fs from 'node:fs';
import os from 'node:os';

/**
 * Puts every process of a session (a process started detached leads its own) at the lowest CPU priority, its
 * scheduler autogroup included: with autogroups on, niceness only ranks processes within one session, and each
 * session gets an equal share of the cores. Used for the sandbox, which plays Sellers whose CPU would not be ours.
 * Returns how many processes were lowered.
 */
export function lowestPriorityForSession(sessionId: number): number {
  try {
    fs.writeFileSync(`/proc/${sessionId}/autogroup`, '19');
  } catch {
    /* autogroups off, or not permitted: niceness alone then */
  }
  let lowered = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces): state ppid pgrp session …
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) !== sessionId) continue;
      os.setPriority(Number(entry), 19);
      lowered += 1;
    } catch {
      /* gone, or not ours */
    }
  }
  return lowered;
}
