import { closeDb, getDb } from '@/db';
import { recordAudit } from '@/db/audit-log';
import {
  appointmentHistory,
  appointments,
  changeFeed,
  contacts,
  inbox,
  listenerCredentials,
  loginAttempts,
  noteSnippets,
  periodicJobs,
  notificationHubs,
  outbox,
  sellerDocumentRejections,
  sellerIncidentState,
  sellerSyncState,
  sellerToleratedDeviations,
  sequences,
  slaAgreements,
  slaCalendars,
  ssoIdentities,
  ticketAttachmentUploads,
  tickets,
  ticketSla,
  ticketTemplates,
  ticketViews,
  waitingItems,
  workOrders,
} from '@/db/schema';
import { seedDashboardFixture, seedFieldFixture } from '@/tests/integration/dashboard/fixture';
import { createUser, usePortalTestEnv } from '@/tests/support/portal-env';

/** Every byte value, so a blob that is not UTF-8 must survive. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/**
 * A small SQLite portal with rows in every table: the dashboard's fixture stored through the cache writer (Sellers,
 * tickets, their status history, the change feed, products, incidents, appointments), the audit writer, and one or
 * more rows per remaining table with the awkward values: null and empty text, both booleans, nested and non-ASCII
 * JSON, JSON null, every byte in a blob, 2^53 - 1, dates with an offset inside documents. Returns the closed file.
 */
export async function buildSqlitePortal(): Promise<{ dir: string; dbPath: string }> {
  const env = usePortalTestEnv();
  const db = getDb();
  const admin = await createUser('admin');
  const noc = await createUser('noc', 'nöc+ops@example.test');
  const { acme, globex } = await seedDashboardFixture();
  await seedFieldFixture({ acme, globex });
  await recordAudit({ userId: admin.id, actor: admin.email, action: 'seller.create', entityType: 'seller', entityId: 'acme', detail: { name: 'Acme', quote: `it's "quoted"`, nested: { list: [1, null, 'ü'] } } });
  await recordAudit({ userId: null, actor: 'system', action: 'sellers.file', entityType: 'seller', entityId: globex });

  const ticket = db.select().from(tickets).limit(1).get()!;
  const at = '2026-11-27T10:00:00.000Z';
  await db.insert(sellerDocumentRejections).values({ sellerId: acme, api: 'troubleTicket', operationId: 'retrieveTroubleTicket', resourceId: 'A9', violations: [{ path: '/status', message: 'must be equal to one of the allowed values', keyword: 'enum' }], firstSeenAt: at, lastSeenAt: at, count: 3 });
  await db.insert(sellerToleratedDeviations).values({ sellerId: acme, deviation: 'unknownMembers', kind: 'known', api: 'troubleTicket', operationId: 'listTroubleTicket', firstSeenAt: at, lastSeenAt: at });
  await db.insert(loginAttempts).values([
    { key: 'email:noc@example.test', failures: 2, windowStart: at, lockedUntil: null, lastFailureAt: at },
    { key: 'ip:127.0.0.1', failures: 0, windowStart: at },
  ]);
  await db.insert(ssoIdentities).values({ issuer: 'https://sso.example.test', subject: 'sub-1', userId: noc.id, lastEmail: noc.email, lastSignInAt: at });
  await db.insert(outbox).values([
    { sellerId: acme, ticketId: ticket.id, operation: 'patch', payload: { description: 'Faser gestört — 光纤' }, state: 'pending', nextAttemptAt: at, createdByUserId: noc.id },
    { sellerId: acme, ticketId: ticket.id, operation: 'cancel', payload: null, state: 'rejected', attempts: 5, nextAttemptAt: at, lastError: 'HTTP 422', lastErrorDetail: { code: 'invalidValue', reason: 'closed' } },
  ]);
  await db.insert(inbox).values({ sellerId: globex, api: 'troubleTicket', eventId: 'ev-1', eventType: 'troubleTicketStatusChangeEvent', eventTime: at, resourceId: 'G1', body: { event: { id: 'G1' }, eventType: 'troubleTicketStatusChangeEvent' }, nextAttemptAt: at, receivedAt: at, leaseOwner: 'worker-1', leaseUntil: at });
  await db.insert(sequences).values({ name: 'ticket-external-id-2026', value: 41 }).onConflictDoNothing();
  await db.insert(listenerCredentials).values([
    { sellerId: acme, clientId: 'acme-listener', secretHash: 'aGFzaA', secretHint: 'x9Qz', deliveredVia: 'sandbox', createdAt: at, lastUsedAt: at },
    { sellerId: globex, clientId: 'globex-listener', secretHash: 'aGFzaDI', secretHint: 'k2Lm', createdAt: at, revokedAt: at },
  ]);
  await db.insert(notificationHubs).values({ sellerId: acme, api: 'troubleTicket', hubId: 'hub-1', callback: 'http://127.0.0.1:3000/listener', referencePoint: 'cantata', state: 'registered', registeredAt: at, updatedAt: at });
  await db.insert(sellerSyncState).values({ sellerId: acme, lastEventAt: at, lastReconcileAt: at, lastReconcileResult: 'ok' }).onConflictDoNothing();
  await db.insert(sellerIncidentState).values({ sellerId: globex, notOfferedSince: null, lastListedAt: at, lastListCount: 4, checkedAt: at });
  const [workOrder] = await db
    .insert(workOrders)
    .values([
      { sellerId: acme, sellerResourceId: 'WO-1', status: 'inProgress', document: { id: 'WO-1', appointmentRequired: true }, documentHash: 'h', fetchedAt: at, updatedAt: at, appointmentRequired: true, appointmentRequiredSince: at, siteId: 'S-1', ticketId: 'A1', productId: 'P-1' },
      { sellerId: globex, sellerResourceId: 'WO-2', status: 'completed', document: { id: 'WO-2' }, documentHash: 'h', fetchedAt: at, updatedAt: at },
    ])
    .returning();
  const appointment = db.select().from(appointments).limit(1).get()!;
  await db.insert(appointmentHistory).values({ appointmentId: appointment.id, status: 'confirmed', startAt: appointment.startAt, endAt: null, observedAt: at });
  await db.insert(waitingItems).values({ sellerId: acme, kind: 'appointmentRequired', entityType: 'workOrder', entityId: String(workOrder!.id), ticketId: ticket.id, title: 'Book a visit', href: `/work-orders/${workOrder!.id}`, openedAt: at }).onConflictDoNothing();
  await db.insert(changeFeed).values({ at, topic: 'ticket', seller: 'acme', entityId: null, payload: { kind: 'updated', fields: ['status'] } });
  await db.insert(contacts).values([
    { name: 'Rita Reporter', number: '+44 20 7946 0000', numberExtension: '12', emailAddress: 'rita@buyer.example', organization: 'Buyer NOC', createdByUserId: noc.id },
    { name: 'Zoë Ågren', number: '', emailAddress: 'zoe@buyer.example' },
  ]);
  await db.insert(ticketViews).values({ userId: noc.id, name: 'Mine, open', search: 'mine=1&status=open' });
  await db.insert(ticketAttachmentUploads).values([
    { id: 'up-1', userId: noc.id, name: 'trace.pcap', mimeType: 'application/vnd.tcpdump.pcap', size: ALL_BYTES.length, content: ALL_BYTES },
    { id: 'up-2', userId: admin.id, name: 'empty.txt', mimeType: 'text/plain', size: 0, content: Buffer.alloc(0) },
  ]);
  await db.insert(ticketTemplates).values([
    { name: 'Fibre cut', sellerId: acme, productId: 'P-1', description: 'Fibre cut at site', ticketType: 'assistance', severity: 'extensive', priority: 'high', observedImpact: 'down', note: 'Call the site first', contacts: [{ name: 'Rita', number: '1', emailAddress: 'rita@buyer.example', organization: 'Buyer NOC' }] },
    { name: 'Blank', contacts: [] },
  ]);
  await db.insert(noteSnippets).values({ name: 'Waiting on site access', text: 'We are waiting for site access.\nNext update at 14:00 UTC.' });
  await db.insert(periodicJobs).values([
    { name: 'sla-sweep', leaseOwner: 'portal-1:4242:0a1b2c3d4e5f', leaseUntil: '2026-11-27T10:01:00.000Z', lastStartedAt: '2026-11-27T10:00:00.000Z', lastFinishedAt: '2026-11-27T09:59:45.120Z', lastOutcome: 'ok' },
    { name: 'reconciliation', lastStartedAt: '2026-11-27T09:55:00.000Z', lastFinishedAt: '2026-11-27T09:55:03.004Z', lastOutcome: 'failed', lastError: 'acme: 503 Service Unavailable' },
  ]);
  const [calendar] = await db
    .insert(slaCalendars)
    .values({ name: 'Zurich office', timeZone: 'Europe/Zurich', hours: [{ day: 1, from: 480, to: 1080 }], holidays: ['2026-12-25', '2026-12-26'] })
    .returning();
  const [agreement] = await db
    .insert(slaAgreements)
    .values({ name: 'Acme gold', sellerId: acme, basis: 'severity', targets: { extensive: { acknowledge: 30, resolve: 240 } }, pauseStates: ['pending'], calendarId: calendar!.id, validFrom: '2026-01-01T00:00:00.000Z', validTo: null })
    .returning();
  await db.insert(ticketSla).values([
    { ticketId: ticket.id, sellerId: acme, agreementId: agreement!.id, agreementSnapshot: { name: 'Acme gold', targets: { extensive: { resolve: 240 } } }, target: 'resolve', level: 'extensive', targetMs: 14_400_000, elapsedMs: Number.MAX_SAFE_INTEGER, pausedMs: 0, state: 'stopped', verdict: 'breached', final: true, breachAt: at, stoppedAt: at, computedAt: at, ticketCreatedAt: at, breachNotifiedAt: at },
    { ticketId: ticket.id, sellerId: acme, agreementId: null, agreementSnapshot: {}, target: 'acknowledge', level: 'extensive', targetMs: 1_800_000, elapsedMs: 60_000, pausedMs: 0, state: 'running', verdict: 'onTrack', final: false, computedAt: at, ticketCreatedAt: at },
  ]);
  closeDb();
  return env;
}
