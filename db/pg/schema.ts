import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  HUB_STATES,
  INBOX_STATES,
  NOTIFICATION_APIS,
  OUTBOX_OPERATIONS,
  OUTBOX_STATES,
  PERIODIC_JOB_OUTCOMES,
  REFERENCE_POINTS,
  ROLES,
  SCOPE_MODES,
  TICKET_SYNC_STATES,
  WAITING_KINDS,
  type StoredToleratedDeviations,
  type TemplateContact,
} from '../schema';

/*
 * The PostgreSQL twin of db/schema.ts, where each table and column is documented. Same tables, columns, row types,
 * defaults and indexes (tests/unit/database/pg-schema-parity.test.ts compares the two). Dates stay ISO 8601 text in
 * UTC with milliseconds, as on SQLite, so text order is time order and callers see the same strings; integers are
 * 64-bit like SQLite's. Full-text search, the audit trail's triggers and the date parser of the incident columns are
 * in the hand-written migration (db/pg/migrations, `--custom`).
 */

export {
  HUB_STATES,
  INBOX_STATES,
  NOTIFICATION_APIS,
  OUTBOX_OPERATIONS,
  OUTBOX_STATES,
  PERIODIC_JOB_OUTCOMES,
  REFERENCE_POINTS,
  ROLES,
  SCOPE_MODES,
  TICKET_SYNC_STATES,
  WAITING_KINDS,
};

export type { OutboxOperation, Role, StoredToleratedDeviations, TemplateContact, TicketSyncState, WaitingKind } from '../schema';

/** The current instant as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ','now') writes it. */
const isoNow = sql`(to_char(statement_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => 'bytea',
});

const timestamps = {
  createdAt: text('created_at').notNull().default(isoNow),
  updatedAt: text('updated_at').notNull().default(isoNow),
};

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    phone: text('phone').notNull().default(''),
    organization: text('organization').notNull().default(''),
    sessionVersion: bigint('session_version', { mode: 'number' }).notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

export const sellers = pgTable(
  'sellers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    troubleTicketBaseUrl: text('trouble_ticket_base_url').notNull(),
    appointmentBaseUrl: text('appointment_base_url').notNull(),
    workOrderBaseUrl: text('work_order_base_url').notNull(),
    tokenUrl: text('token_url').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretEnc: text('client_secret_enc').notNull(),
    scopeMode: text('scope_mode', { enum: SCOPE_MODES }).notNull().default('operation'),
    fixedScope: text('fixed_scope'),
    buyerId: text('buyer_id'),
    sellerId: text('seller_id'),
    timeoutMs: bigint('timeout_ms', { mode: 'number' }).notNull().default(10_000),
    referencePoint: text('reference_point', { enum: REFERENCE_POINTS }).notNull().default('sonata'),
    origin: text('origin', { enum: ['ui', 'file'] }).notNull().default('ui'),
    toleratedDeviations: jsonb('tolerated_deviations')
      .$type<StoredToleratedDeviations>()
      .notNull()
      .default({ known: ['listItemsMissingRequired', 'mediaTypeWithoutCharset', 'unknownMembers', 'bareWorkOrderList'], allowed: [] }),
    ...timestamps,
  },
  (t) => [uniqueIndex('sellers_slug_uq').on(t.slug)],
);

export const sellerDocumentRejections = pgTable(
  'seller_document_rejections',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    api: text('api').notNull(),
    operationId: text('operation_id').notNull(),
    resourceId: text('resource_id').notNull().default(''),
    violations: jsonb('violations').$type<Array<{ path: string; message: string; keyword: string }>>().notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(1),
  },
  (t) => [
    uniqueIndex('seller_document_rejections_uq').on(t.sellerId, t.api, t.operationId, t.resourceId),
    index('seller_document_rejections_last_seen_idx').on(t.lastSeenAt),
  ],
);

export type SellerDocumentRejection = typeof sellerDocumentRejections.$inferSelect;
export const sellerToleratedDeviations = pgTable(
  'seller_tolerated_deviations',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    deviation: text('deviation').notNull(),
    kind: text('kind', { enum: ['known', 'allowance'] }).notNull(),
    api: text('api').notNull(),
    operationId: text('operation_id').notNull(),
    samplePath: text('sample_path').notNull().default(''),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(1),
  },
  (t) => [uniqueIndex('seller_tolerated_deviations_uq').on(t.sellerId, t.deviation, t.operationId)],
);

export type SellerToleratedDeviation = typeof sellerToleratedDeviations.$inferSelect;

export const products = pgTable(
  'products',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    productId: text('product_id').notNull(),
    label: text('label').notNull(),
    siteId: text('site_id').notNull().default(''),
    siteName: text('site_name').notNull().default(''),
    siteAddress: text('site_address').notNull().default(''),
    siteTimeZone: text('site_time_zone').notNull().default('UTC'),
    ...timestamps,
  },
  (t) => [uniqueIndex('products_seller_product_uq').on(t.sellerId, t.productId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: text('at').notNull().default(isoNow),
    userId: bigint('user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_entity_idx').on(t.entityType, t.entityId),
    index('audit_at_idx').on(t.at),
    index('audit_user_at_idx').on(t.userId, t.at),
    index('audit_action_at_idx').on(t.action, t.at),
  ],
);

export const loginAttempts = pgTable(
  'login_attempts',
  {
    key: text('key').primaryKey(),
    failures: bigint('failures', { mode: 'number' }).notNull().default(0),
    windowStart: text('window_start').notNull(),
    lockedUntil: text('locked_until'),
    lastFailureAt: text('last_failure_at'),
  },
  (t) => [index('login_attempts_last_failure_idx').on(t.lastFailureAt)],
);

export const ssoIdentities = pgTable(
  'sso_identities',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastEmail: text('last_email').notNull().default(''),
    lastSignInAt: text('last_sign_in_at'),
    ...timestamps,
  },
  (t) => [uniqueIndex('sso_identities_issuer_subject_uq').on(t.issuer, t.subject), index('sso_identities_user_idx').on(t.userId)],
);

export type User = typeof users.$inferSelect;
export type SsoIdentity = typeof ssoIdentities.$inferSelect;
export type Seller = typeof sellers.$inferSelect;
export type NewSeller = typeof sellers.$inferInsert;
export type Product = typeof products.$inferSelect;
export type NewProduct = typeof products.$inferInsert;

export const tickets = pgTable(
  'tickets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'restrict' }),
    sellerTicketId: text('seller_ticket_id'),
    externalId: text('external_id').notNull(),
    productId: text('product_id').notNull(),
    description: text('description').notNull(),
    severity: text('severity').notNull(),
    sellerSeverity: text('seller_severity'),
    priority: text('priority').notNull(),
    sellerPriority: text('seller_priority'),
    ticketType: text('ticket_type').notNull(),
    observedImpact: text('observed_impact').notNull(),
    status: text('status'),
    creationDate: text('creation_date'),
    expectedResolutionDate: text('expected_resolution_date'),
    resolutionDate: text('resolution_date'),
    issueStartDate: text('issue_start_date'),
    lastStatusChangeAt: text('last_status_change_at'),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    documentHash: text('document_hash').notNull().default(''),
    fetchedAt: text('fetched_at'),
    syncState: text('sync_state', { enum: TICKET_SYNC_STATES }).notNull().default('synced'),
    syncError: text('sync_error'),
    createdByUserId: bigint('created_by_user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    slaRiskAt: text('sla_risk_at'),
    slaBreachAt: text('sla_breach_at'),
    slaVerdict: text('sla_verdict'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('tickets_seller_ticket_uq').on(t.sellerId, t.sellerTicketId),
    uniqueIndex('tickets_external_id_uq').on(t.externalId),
    index('tickets_status_idx').on(t.status, t.updatedAt),
    index('tickets_seller_status_idx').on(t.sellerId, t.status),
    index('tickets_seller_severity_idx').on(t.sellerId, t.severity),
    index('tickets_severity_idx').on(t.severity),
    index('tickets_seller_severity2_idx').on(t.sellerSeverity),
    index('tickets_priority_idx').on(t.priority),
    index('tickets_seller_priority_idx').on(t.sellerPriority),
    index('tickets_type_idx').on(t.ticketType),
    index('tickets_impact_idx').on(t.observedImpact),
    index('tickets_product_idx').on(t.productId),
    index('tickets_creation_idx').on(t.creationDate),
    index('tickets_expected_idx').on(t.expectedResolutionDate),
    index('tickets_resolution_idx').on(t.resolutionDate),
    index('tickets_updated_idx').on(t.updatedAt),
    index('tickets_created_by_idx').on(t.createdByUserId, t.updatedAt),
    index('tickets_sync_state_idx').on(t.syncState, t.updatedAt),
    index('tickets_seller_updated_idx').on(t.sellerId, t.status, t.updatedAt),
    index('tickets_severity_updated_idx').on(t.severity, t.updatedAt),
    index('tickets_seller_severity_updated_idx').on(t.sellerSeverity, t.updatedAt),
    index('tickets_priority_updated_idx').on(t.priority, t.updatedAt),
    index('tickets_seller_priority_updated_idx').on(t.sellerPriority, t.updatedAt),
    index('tickets_type_updated_idx').on(t.ticketType, t.updatedAt),
    index('tickets_impact_updated_idx').on(t.observedImpact, t.updatedAt),
    index('tickets_product_updated_idx').on(t.productId, t.updatedAt),
    index('tickets_mine_idx').on(t.createdByUserId, t.priority, t.status, t.updatedAt),
    index('tickets_dashboard_resolved_idx').on(t.resolutionDate, t.status, t.sellerId, t.creationDate, t.expectedResolutionDate),
    index('tickets_dashboard_created_idx').on(t.creationDate, t.sellerId, t.status),
    index('tickets_dashboard_open_idx').on(t.status, t.sellerId, t.severity, t.creationDate),
    index('tickets_sla_risk_idx').on(t.slaRiskAt, t.slaBreachAt),
    index('tickets_sla_breach_idx').on(t.slaBreachAt),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    operation: text('operation', { enum: OUTBOX_OPERATIONS }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>(),
    state: text('state', { enum: OUTBOX_STATES }).notNull().default('pending'),
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    lastErrorDetail: jsonb('last_error_detail').$type<Record<string, unknown>>(),
    createdByUserId: bigint('created_by_user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [index('outbox_due_idx').on(t.state, t.nextAttemptAt), index('outbox_ticket_idx').on(t.ticketId, t.id)],
);

export const inbox = pgTable(
  'inbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    api: text('api', { enum: NOTIFICATION_APIS }).notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    eventTime: text('event_time').notNull(),
    resourceId: text('resource_id').notNull(),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: INBOX_STATES }).notNull().default('pending'),
    attempts: bigint('attempts', { mode: 'number' }).notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    receivedAt: text('received_at').notNull(),
    processedAt: text('processed_at'),
    leaseOwner: text('lease_owner'),
    leaseUntil: text('lease_until'),
  },
  (t) => [
    uniqueIndex('inbox_seller_event_uq').on(t.sellerId, t.eventId),
    index('inbox_due_idx').on(t.state, t.nextAttemptAt),
    index('inbox_resource_idx').on(t.sellerId, t.resourceId, t.id),
    index('inbox_pending_resource_idx').on(t.sellerId, t.resourceId, t.id).where(sql`${t.state} = 'pending'`),
  ],
);

export const sequences = pgTable('sequences', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
});

export type Ticket = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type OutboxItem = typeof outbox.$inferSelect;
export type InboxItem = typeof inbox.$inferSelect;
export const ticketStatusHistory = pgTable(
  'ticket_status_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    sellerId: bigint('seller_id', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    changedAt: text('changed_at').notNull(),
    reason: text('reason'),
  },
  (t) => [
    uniqueIndex('ticket_status_history_uq').on(t.ticketId, t.changedAt, t.status),
    index('ticket_status_history_changed_idx').on(t.changedAt, t.status),
    index('ticket_status_history_seller_idx').on(t.sellerId, t.changedAt),
  ],
);

export type TicketStatusChange = typeof ticketStatusHistory.$inferSelect;
export const listenerCredentials = pgTable(
  'listener_credentials',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    secretHint: text('secret_hint').notNull(),
    deliveredVia: text('delivered_via', { enum: ['onboarding', 'sandbox'] }).notNull().default('onboarding'),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('listener_credentials_client_uq').on(t.clientId), index('listener_credentials_seller_idx').on(t.sellerId)],
);

export const notificationHubs = pgTable(
  'notification_hubs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    api: text('api', { enum: NOTIFICATION_APIS }).notNull(),
    hubId: text('hub_id'),
    callback: text('callback').notNull(),
    referencePoint: text('reference_point', { enum: REFERENCE_POINTS }).notNull().default('sonata'),
    state: text('state', { enum: HUB_STATES }).notNull(),
    lastError: text('last_error'),
    registeredAt: text('registered_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('notification_hubs_seller_api_uq').on(t.sellerId, t.api)],
);

export const sellerSyncState = pgTable('seller_sync_state', {
  sellerId: bigint('seller_id', { mode: 'number' })
    .primaryKey()
    .references(() => sellers.id, { onDelete: 'cascade' }),
  lastEventAt: text('last_event_at'),
  lastReconcileAt: text('last_reconcile_at'),
  lastReconcileFrom: text('last_reconcile_from'),
  lastReconcileResult: text('last_reconcile_result'),
  lastReconcileError: text('last_reconcile_error'),
  credentialsPushedAt: text('credentials_pushed_at'),
  credentialsPushError: text('credentials_push_error'),
});

const documentCache = {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  sellerId: bigint('seller_id', { mode: 'number' })
    .notNull()
    .references(() => sellers.id, { onDelete: 'cascade' }),
  sellerResourceId: text('seller_resource_id').notNull(),
  status: text('status').notNull(),
  lastChangeAt: text('last_change_at'),
  document: jsonb('document').$type<Record<string, unknown>>().notNull(),
  documentHash: text('document_hash').notNull(),
  fetchedAt: text('fetched_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

const incidentText = (name: string, path: `$.${string}`) => text(name).generatedAlwaysAs(sql.raw(`(document->>'${path.slice(2)}')`));

/** iso_utc (the custom migration) reads a date as SQLite's strftime does: null, never an error, for a bad one. */
const incidentDate = (name: string, path: `$.${string}`) =>
  text(name).generatedAlwaysAs(sql.raw(`iso_utc(document->>'${path.slice(2)}')`));

export const incidents = pgTable(
  'incidents',
  {
    ...documentCache,
    productId: text('product_id'),
    severity: incidentText('severity', '$.severity'),
    priority: incidentText('priority', '$.priority'),
    incidentType: incidentText('incident_type', '$.incidentType'),
    impact: incidentText('impact', '$.impact'),
    description: incidentText('description', '$.description'),
    relatedEntities: incidentText('related_entities', '$.relatedEntity'),
    creationDate: incidentDate('creation_date', '$.creationDate'),
    situationStartDate: incidentDate('situation_start_date', '$.situationStartDate'),
    expectedClosedDate: incidentDate('expected_closed_date', '$.expectedClosedDate'),
    closedDate: incidentDate('closed_date', '$.closedDate'),
  },
  (t) => [
    uniqueIndex('incidents_seller_resource_uq').on(t.sellerId, t.sellerResourceId),
    index('incidents_status_idx').on(t.status, t.updatedAt),
    index('incidents_seller_status_idx').on(t.sellerId, t.status),
    index('incidents_product_idx').on(t.sellerId, t.productId),
    index('incidents_severity_idx').on(t.severity),
    index('incidents_priority_idx').on(t.priority),
    index('incidents_type_idx').on(t.incidentType),
    index('incidents_impact_idx').on(t.impact),
    index('incidents_creation_idx').on(t.creationDate),
    index('incidents_situation_start_idx').on(t.situationStartDate),
    index('incidents_expected_closed_idx').on(t.expectedClosedDate),
    index('incidents_closed_idx').on(t.closedDate),
  ],
);

export const sellerIncidentState = pgTable('seller_incident_state', {
  sellerId: bigint('seller_id', { mode: 'number' })
    .primaryKey()
    .references(() => sellers.id, { onDelete: 'cascade' }),
  notOfferedSince: text('not_offered_since'),
  lastListedAt: text('last_listed_at'),
  lastListCount: bigint('last_list_count', { mode: 'number' }),
  lastListError: text('last_list_error'),
  checkedAt: text('checked_at').notNull(),
});

export const workOrders = pgTable(
  'work_orders',
  {
    ...documentCache,
    appointmentRequired: boolean('appointment_required').notNull().default(false),
    appointmentRequiredSince: text('appointment_required_since'),
    siteId: text('site_id'),
    ticketId: text('ticket_id'),
    productId: text('product_id'),
  },
  (t) => [
    uniqueIndex('work_orders_seller_resource_uq').on(t.sellerId, t.sellerResourceId),
    index('work_orders_status_idx').on(t.status, t.updatedAt),
    index('work_orders_needed_idx').on(t.appointmentRequired, t.appointmentRequiredSince),
    index('work_orders_site_idx').on(t.siteId),
    index('work_orders_ticket_idx').on(t.sellerId, t.ticketId),
  ],
);

export const appointments = pgTable(
  'appointments',
  {
    ...documentCache,
    workOrderId: text('work_order_id'),
    startAt: text('start_at'),
    endAt: text('end_at'),
    siteId: text('site_id'),
  },
  (t) => [
    uniqueIndex('appointments_seller_resource_uq').on(t.sellerId, t.sellerResourceId),
    index('appointments_start_idx').on(t.startAt),
    index('appointments_work_order_idx').on(t.sellerId, t.workOrderId),
    index('appointments_status_idx').on(t.status, t.startAt),
    index('appointments_site_idx').on(t.siteId, t.startAt),
  ],
);

export const appointmentHistory = pgTable(
  'appointment_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    appointmentId: bigint('appointment_id', { mode: 'number' })
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    startAt: text('start_at'),
    endAt: text('end_at'),
    observedAt: text('observed_at').notNull(),
  },
  (t) => [index('appointment_history_appointment_idx').on(t.appointmentId, t.observedAt)],
);

export type AppointmentHistoryRow = typeof appointmentHistory.$inferSelect;

export const waitingItems = pgTable(
  'waiting_items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: WAITING_KINDS }).notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }).references(() => tickets.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    detail: text('detail').notNull().default(''),
    href: text('href').notNull(),
    openedAt: text('opened_at').notNull(),
    clearedAt: text('cleared_at'),
    clearedBy: text('cleared_by'),
  },
  (t) => [
    uniqueIndex('waiting_items_uq').on(t.sellerId, t.kind, t.entityType, t.entityId),
    index('waiting_items_open_idx').on(t.clearedAt, t.openedAt),
    index('waiting_items_ticket_idx').on(t.ticketId),
  ],
);

export const changeFeed = pgTable(
  'change_feed',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: text('at').notNull(),
    topic: text('topic').notNull(),
    seller: text('seller').notNull(),
    entityId: text('entity_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('change_feed_at_idx').on(t.at)],
);

export type ChangeFeedRow = typeof changeFeed.$inferSelect;

export type ListenerCredential = typeof listenerCredentials.$inferSelect;
export type NotificationHub = typeof notificationHubs.$inferSelect;
export type SellerSyncState = typeof sellerSyncState.$inferSelect;
export type IncidentRow = typeof incidents.$inferSelect;
export type SellerIncidentState = typeof sellerIncidentState.$inferSelect;
export type WorkOrderRow = typeof workOrders.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;
export type WaitingItem = typeof waitingItems.$inferSelect;
export const contacts = pgTable(
  'contacts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    number: text('number').notNull(),
    numberExtension: text('number_extension'),
    emailAddress: text('email_address').notNull(),
    organization: text('organization'),
    createdByUserId: bigint('created_by_user_id', { mode: 'number' }).references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [index('contacts_name_idx').on(t.name), uniqueIndex('contacts_email_name_uq').on(t.emailAddress, t.name)],
);

export const ticketViews = pgTable(
  'ticket_views',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    search: text('search').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('ticket_views_user_name_uq').on(t.userId, t.name)],
);

export const ticketAttachmentUploads = pgTable(
  'ticket_attachment_uploads',
  {
    id: text('id').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    content: bytea('content').notNull(),
    createdAt: text('created_at').notNull().default(isoNow),
  },
  (t) => [
    index('ticket_attachment_uploads_user_idx').on(t.userId, t.createdAt),
    index('ticket_attachment_uploads_created_idx').on(t.createdAt),
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type TicketView = typeof ticketViews.$inferSelect;
export type TicketAttachmentUpload = typeof ticketAttachmentUploads.$inferSelect;
export const ticketTemplates = pgTable(
  'ticket_templates',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    sellerId: bigint('seller_id', { mode: 'number' }).references(() => sellers.id, { onDelete: 'cascade' }),
    productId: text('product_id'),
    description: text('description').notNull().default(''),
    ticketType: text('ticket_type'),
    severity: text('severity'),
    priority: text('priority'),
    observedImpact: text('observed_impact'),
    note: text('note').notNull().default(''),
    contacts: jsonb('contacts').$type<TemplateContact[]>().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('ticket_templates_name_uq').on(t.name), index('ticket_templates_seller_idx').on(t.sellerId)],
);

export const noteSnippets = pgTable(
  'note_snippets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    text: text('text').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('note_snippets_name_uq').on(t.name)],
);

export type TicketTemplateRow = typeof ticketTemplates.$inferSelect;
export type NoteSnippetRow = typeof noteSnippets.$inferSelect;
export const slaCalendars = pgTable(
  'sla_calendars',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    hours: jsonb('hours').$type<Array<{ day: number; from: number; to: number }>>().notNull(),
    holidays: jsonb('holidays').$type<string[]>().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('sla_calendars_name_uq').on(t.name)],
);

export const slaAgreements = pgTable(
  'sla_agreements',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    sellerId: bigint('seller_id', { mode: 'number' })
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    productId: text('product_id'),
    siteId: text('site_id'),
    basis: text('basis', { enum: ['severity', 'priority'] }).notNull().default('severity'),
    targets: jsonb('targets').$type<Record<string, Partial<Record<'acknowledge' | 'resolve' | 'firstNote', number>>>>().notNull(),
    pauseStates: jsonb('pause_states').$type<Array<'pending' | 'assessingCancellation'>>().notNull(),
    atRiskPercent: bigint('at_risk_percent', { mode: 'number' }).notNull().default(75),
    calendarId: bigint('calendar_id', { mode: 'number' }).references(() => slaCalendars.id, { onDelete: 'restrict' }),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
    ...timestamps,
  },
  (t) => [index('sla_agreements_seller_idx').on(t.sellerId, t.validFrom)],
);

export const ticketSla = pgTable(
  'ticket_sla',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    sellerId: bigint('seller_id', { mode: 'number' }).notNull(),
    agreementId: bigint('agreement_id', { mode: 'number' }).references(() => slaAgreements.id, { onDelete: 'set null' }),
    agreementSnapshot: jsonb('agreement_snapshot').$type<Record<string, unknown>>().notNull(),
    target: text('target', { enum: ['acknowledge', 'resolve', 'firstNote'] }).notNull(),
    level: text('level').notNull(),
    targetMs: bigint('target_ms', { mode: 'number' }).notNull(),
    elapsedMs: bigint('elapsed_ms', { mode: 'number' }).notNull(),
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull(),
    state: text('state', { enum: ['running', 'paused', 'stopped'] }).notNull(),
    verdict: text('verdict', { enum: ['met', 'onTrack', 'atRisk', 'breached', 'cancelled'] }).notNull(),
    final: boolean('final').notNull().default(false),
    atRiskAt: text('at_risk_at'),
    breachAt: text('breach_at'),
    stoppedAt: text('stopped_at'),
    computedAt: text('computed_at').notNull(),
    ticketCreatedAt: text('ticket_created_at').notNull(),
    riskNotifiedAt: text('risk_notified_at'),
    breachNotifiedAt: text('breach_notified_at'),
  },
  (t) => [
    uniqueIndex('ticket_sla_ticket_target_uq').on(t.ticketId, t.target),
    index('ticket_sla_scorecard_idx').on(t.sellerId, t.ticketCreatedAt, t.target, t.level, t.targetMs, t.state, t.verdict, t.elapsedMs, t.pausedMs, t.atRiskAt, t.breachAt, t.ticketId),
    index('ticket_sla_due_risk_idx').on(t.riskNotifiedAt, t.atRiskAt),
    index('ticket_sla_due_breach_idx').on(t.breachNotifiedAt, t.breachAt),
  ],
);

export type SlaCalendar = typeof slaCalendars.$inferSelect;
export type SlaAgreement = typeof slaAgreements.$inferSelect;
export type TicketSla = typeof ticketSla.$inferSelect;

export const periodicJobs = pgTable('periodic_jobs', {
  name: text('name').primaryKey(),
  leaseOwner: text('lease_owner'),
  leaseUntil: text('lease_until'),
  lastStartedAt: text('last_started_at'),
  lastFinishedAt: text('last_finished_at'),
  lastOutcome: text('last_outcome', { enum: PERIODIC_JOB_OUTCOMES }),
  lastError: text('last_error'),
});

export type PeriodicJobRow = typeof periodicJobs.$inferSelect;
