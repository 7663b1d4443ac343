import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ROLES = ['noc', 'manager', 'coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const timestamps = {
  createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  updatedAt: text('updated_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
};

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** null for users who only sign in through the company's SSO. */
    passwordHash: text('password_hash'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    phone: text('phone').notNull().default(''),
    organization: text('organization').notNull().default(''),
    /** Raised by a password reset, a role change or a deactivation: sessions signed in under an older one end. */
    sessionVersion: integer('session_version').notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

export const SCOPE_MODES = ['operation', 'fixed', 'none'] as const;
/** MEF LSO reference points MEF 113 is used on: Sonata (Buyer ↔ Seller) and Cantata (Customer ↔ Service Provider). */
export const REFERENCE_POINTS = ['sonata', 'cantata'] as const;

export const sellers = sqliteTable(
  'sellers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    troubleTicketBaseUrl: text('trouble_ticket_base_url').notNull(),
    appointmentBaseUrl: text('appointment_base_url').notNull(),
    workOrderBaseUrl: text('work_order_base_url').notNull(),
    tokenUrl: text('token_url').notNull(),
    clientId: text('client_id').notNull(),
    /** AES-256-GCM ciphertext (lib/crypto/secret-box.ts), never the plain secret. */
    clientSecretEnc: text('client_secret_enc').notNull(),
    scopeMode: text('scope_mode', { enum: SCOPE_MODES }).notNull().default('operation'),
    fixedScope: text('fixed_scope'),
    buyerId: text('buyer_id'),
    sellerId: text('seller_id'),
    timeoutMs: integer('timeout_ms').notNull().default(10_000),
    /** Where this Seller's APIs live (/mefApi/<referencePoint>/…) and where it calls our listeners. */
    referencePoint: text('reference_point', { enum: REFERENCE_POINTS }).notNull().default('sonata'),
    /** 'file' when loaded from the sellers file at start; such entries are refreshed from it on every start. */
    origin: text('origin', { enum: ['ui', 'file'] }).notNull().default('ui'),
    /** What this Seller's answers may deviate from the schema by (lib/sonata/deviations.ts): known defects by name,
     * plus allowances an administrator made. */
    toleratedDeviations: text('tolerated_deviations', { mode: 'json' })
      .$type<StoredToleratedDeviations>()
      .notNull()
      .default({ known: ['listItemsMissingRequired', 'mediaTypeWithoutCharset', 'unknownMembers', 'bareWorkOrderList'], allowed: [] }),
    ...timestamps,
  },
  (t) => [uniqueIndex('sellers_slug_uq').on(t.slug)],
);

export interface StoredToleratedDeviations {
  known: string[];
  allowed: Array<{ operationId?: string; path: string; keyword?: string }>;
}

/**
 * Seller documents refused because they break the schema beyond the Seller's tolerated deviations: never cached,
 * kept here (one row per Seller, API, operation and resource) for Settings → Notifications and the dashboard.
 */
export const sellerDocumentRejections = sqliteTable(
  'seller_document_rejections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    api: text('api').notNull(),
    operationId: text('operation_id').notNull(),
    /** '' for a list answer. */
    resourceId: text('resource_id').notNull().default(''),
    violations: text('violations', { mode: 'json' }).$type<Array<{ path: string; message: string; keyword: string }>>().notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    count: integer('count').notNull().default(1),
  },
  (t) => [
    uniqueIndex('seller_document_rejections_uq').on(t.sellerId, t.api, t.operationId, t.resourceId),
    index('seller_document_rejections_last_seen_idx').on(t.lastSeenAt),
  ],
);

export type SellerDocumentRejection = typeof sellerDocumentRejections.$inferSelect;

/**
 * Deviations from the schema a Seller's answers showed and its list tolerated (lib/sync/tolerated-deviations.ts): one
 * row per Seller, deviation (a known switch by name, or an allowance by its label) and operation, so the table stays
 * as small as that product.
 */
export const sellerToleratedDeviations = sqliteTable(
  'seller_tolerated_deviations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    deviation: text('deviation').notNull(),
    kind: text('kind', { enum: ['known', 'allowance'] }).notNull(),
    api: text('api').notNull(),
    operationId: text('operation_id').notNull(),
    /** Where the latest answer showed it ('' for the answer as a whole). */
    samplePath: text('sample_path').notNull().default(''),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    count: integer('count').notNull().default(1),
  },
  (t) => [uniqueIndex('seller_tolerated_deviations_uq').on(t.sellerId, t.deviation, t.operationId)],
);

export type SellerToleratedDeviation = typeof sellerToleratedDeviations.$inferSelect;

export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    /** The Seller's product identifier (MEF 113 Product Identifier, sent as relatedEntity.id). */
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

/**
 * Who did what, when, to which ticket, appointment, Seller or user. Append-only: triggers (the
 * audit_trail migration) refuse updates and any delete of an entry younger than 30 days; retention removes older ones.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_entity_idx').on(t.entityType, t.entityId),
    index('audit_at_idx').on(t.at),
    index('audit_user_at_idx').on(t.userId, t.at),
    index('audit_action_at_idx').on(t.action, t.at),
  ],
);

/**
 * Sign-in throttling counters (lib/auth/login-throttle.ts), keyed by account and address, by address, and by account.
 * `lockedUntil` is the earliest next attempt; rows idle longer than the window are deleted.
 */
export const loginAttempts = sqliteTable(
  'login_attempts',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull().default(0),
    windowStart: text('window_start').notNull(),
    lockedUntil: text('locked_until'),
    lastFailureAt: text('last_failure_at'),
  },
  (t) => [index('login_attempts_last_failure_idx').on(t.lastFailureAt)],
);

/**
 * Single sign-on identities, bound by the provider's issuer and subject (never by e-mail): a change of e-mail at the
 * provider cannot move an identity to another account.
 */
export const ssoIdentities = sqliteTable(
  'sso_identities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The e-mail the provider gave at the last sign-in (for administrators; the account's own e-mail stays). */
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

// ---------------------------------------------------------------------------------------------------------------
// Trouble tickets: the local cache of every Seller's tickets, plus what we still have to tell the Sellers.

export const TICKET_SYNC_STATES = ['synced', 'queued', 'sending', 'rejected'] as const;
export type TicketSyncState = (typeof TICKET_SYNC_STATES)[number];

export const tickets = sqliteTable(
  'tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'restrict' }),
    /** The Seller's id; null while the create is still queued for the Seller. */
    sellerTicketId: text('seller_ticket_id'),
    /** Our ticket id (MEF 113 External Ticket Identifier), e.g. NOC-2026-000123. */
    externalId: text('external_id').notNull(),
    productId: text('product_id').notNull(),
    description: text('description').notNull(),
    severity: text('severity').notNull(),
    sellerSeverity: text('seller_severity'),
    priority: text('priority').notNull(),
    sellerPriority: text('seller_priority'),
    ticketType: text('ticket_type').notNull(),
    observedImpact: text('observed_impact').notNull(),
    /** MEF TroubleTicketStatusType; null while the Seller has not yet acknowledged a queued create. */
    status: text('status'),
    creationDate: text('creation_date'),
    expectedResolutionDate: text('expected_resolution_date'),
    resolutionDate: text('resolution_date'),
    issueStartDate: text('issue_start_date'),
    /** Latest statusChange[].changeDate in the Seller's document: orders documents so an older one never wins. */
    lastStatusChangeAt: text('last_status_change_at'),
    /** The full last-known Seller document (TroubleTicket), or our draft while queued. */
    document: text('document', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** A fingerprint of the document, so an identical re-fetch is not counted as a change. */
    documentHash: text('document_hash').notNull().default(''),
    fetchedAt: text('fetched_at'),
    syncState: text('sync_state', { enum: TICKET_SYNC_STATES }).notNull().default('synced'),
    syncError: text('sync_error'),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** From ticket_sla, for the queue: when the first open target is at risk (null once every target stopped met). */
    slaRiskAt: text('sla_risk_at'),
    /** When the first target breached or will breach on its current course; null when none does. */
    slaBreachAt: text('sla_breach_at'),
    /** null: no agreement applies; 'open' while a target is still measured; else the worst final verdict. */
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
    // Filter column + the default order, so a filtered page is read and ordered from the index alone.
    index('tickets_seller_updated_idx').on(t.sellerId, t.status, t.updatedAt),
    index('tickets_severity_updated_idx').on(t.severity, t.updatedAt),
    index('tickets_seller_severity_updated_idx').on(t.sellerSeverity, t.updatedAt),
    index('tickets_priority_updated_idx').on(t.priority, t.updatedAt),
    index('tickets_seller_priority_updated_idx').on(t.sellerPriority, t.updatedAt),
    index('tickets_type_updated_idx').on(t.ticketType, t.updatedAt),
    index('tickets_impact_updated_idx').on(t.observedImpact, t.updatedAt),
    index('tickets_product_updated_idx').on(t.productId, t.updatedAt),
    index('tickets_mine_idx').on(t.createdByUserId, t.priority, t.status, t.updatedAt),
    // Covering indexes for the manager dashboards: each aggregate reads an index alone, never the documents.
    index('tickets_dashboard_resolved_idx').on(t.resolutionDate, t.status, t.sellerId, t.creationDate, t.expectedResolutionDate),
    index('tickets_dashboard_created_idx').on(t.creationDate, t.sellerId, t.status),
    index('tickets_dashboard_open_idx').on(t.status, t.sellerId, t.severity, t.creationDate),
    index('tickets_sla_risk_idx').on(t.slaRiskAt, t.slaBreachAt),
    index('tickets_sla_breach_idx').on(t.slaBreachAt),
  ],
);

export const OUTBOX_OPERATIONS = ['create', 'patch', 'cancel', 'close', 'reopen'] as const;
export type OutboxOperation = (typeof OUTBOX_OPERATIONS)[number];
export const OUTBOX_STATES = ['pending', 'done', 'rejected'] as const;

/** Every Buyer request to a Seller, written in the same transaction as the local change, then sent by a worker. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    operation: text('operation', { enum: OUTBOX_OPERATIONS }).notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>(),
    state: text('state', { enum: OUTBOX_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** Field errors from a Seller 4xx, for the operator to fix and resend. */
    lastErrorDetail: text('last_error_detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [index('outbox_due_idx').on(t.state, t.nextAttemptAt), index('outbox_ticket_idx').on(t.ticketId, t.id)],
);

export const NOTIFICATION_APIS = ['troubleTicket', 'appointment', 'workOrder'] as const;
export const INBOX_STATES = ['pending', 'done', 'failed'] as const;

/** Seller notifications as received: stored before we acknowledge, applied by a worker. */
export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    api: text('api', { enum: NOTIFICATION_APIS }).notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    eventTime: text('event_time').notNull(),
    /** `event.id`: an opaque identifier, never a URL or a path. */
    resourceId: text('resource_id').notNull(),
    body: text('body', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: INBOX_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    receivedAt: text('received_at').notNull(),
    processedAt: text('processed_at'),
    /** The sync worker that is fetching this entry's resource; another may take over once `leaseUntil` has passed. */
    leaseOwner: text('lease_owner'),
    leaseUntil: text('lease_until'),
  },
  (t) => [
    uniqueIndex('inbox_seller_event_uq').on(t.sellerId, t.eventId),
    index('inbox_due_idx').on(t.state, t.nextAttemptAt),
    index('inbox_resource_idx').on(t.sellerId, t.resourceId, t.id),
    // Claims read the pending entries of one resource; done ones pile up by the million.
    index('inbox_pending_resource_idx').on(t.sellerId, t.resourceId, t.id).where(sql`${t.state} = 'pending'`),
  ],
);

/** Named counters, e.g. the yearly sequence behind our ticket ids. */
export const sequences = sqliteTable('sequences', {
  name: text('name').primaryKey(),
  value: integer('value').notNull().default(0),
});

export type Ticket = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type OutboxItem = typeof outbox.$inferSelect;
export type InboxItem = typeof inbox.$inferSelect;

/** Each ticket's status history as the Seller reports it (statusChange[]), one row per change, for SLA and trends. */
export const ticketStatusHistory = sqliteTable(
  'ticket_status_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    sellerId: integer('seller_id').notNull(),
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

// ---------------------------------------------------------------------------------------------------------------
// Seller notifications: Sellers are OAuth2 clients of ours when they call our listeners.

/** Client credentials a Seller uses at our token endpoint. The secret is kept only as a hash. */
export const listenerCredentials = sqliteTable(
  'listener_credentials',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    /** SHA-256 of the (256-bit random) secret, base64url. */
    secretHash: text('secret_hash').notNull(),
    /** Last characters of the secret, to tell credentials apart on screen. */
    secretHint: text('secret_hint').notNull(),
    /** `sandbox` when handed to a sandbox Seller over its control API, `onboarding` when shown to an administrator. */
    deliveredVia: text('delivered_via', { enum: ['onboarding', 'sandbox'] }).notNull().default('onboarding'),
    createdAt: text('created_at').notNull(),
    lastUsedAt: text('last_used_at'),
    revokedAt: text('revoked_at'),
  },
  (t) => [uniqueIndex('listener_credentials_client_uq').on(t.clientId), index('listener_credentials_seller_idx').on(t.sellerId)],
);

export const HUB_STATES = ['registered', 'failed', 'unregistered'] as const;

/** Our event subscriptions at each Seller: one per notification API. */
export const notificationHubs = sqliteTable(
  'notification_hubs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    api: text('api', { enum: NOTIFICATION_APIS }).notNull(),
    /** The Seller's EventSubscription id; null while registration has not succeeded. */
    hubId: text('hub_id'),
    callback: text('callback').notNull(),
    /** The reference point the hub was registered on: the Seller appends /mefApi/<referencePoint>/… to the callback. */
    referencePoint: text('reference_point', { enum: REFERENCE_POINTS }).notNull().default('sonata'),
    state: text('state', { enum: HUB_STATES }).notNull(),
    lastError: text('last_error'),
    registeredAt: text('registered_at'),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('notification_hubs_seller_api_uq').on(t.sellerId, t.api)],
);

/** Per-Seller bookkeeping of the notification channel. */
export const sellerSyncState = sqliteTable('seller_sync_state', {
  sellerId: integer('seller_id')
    .primaryKey()
    .references(() => sellers.id, { onDelete: 'cascade' }),
  lastEventAt: text('last_event_at'),
  lastReconcileAt: text('last_reconcile_at'),
  /** Start of the last complete reconciliation: the next one lists tickets created after it. */
  lastReconcileFrom: text('last_reconcile_from'),
  lastReconcileResult: text('last_reconcile_result'),
  lastReconcileError: text('last_reconcile_error'),
  /** When our listener credentials were last handed to a sandbox Seller. */
  credentialsPushedAt: text('credentials_pushed_at'),
  credentialsPushError: text('credentials_push_error'),
});

/** Columns shared by the incident, work order and appointment caches: the Seller's document keyed by (Seller, id). */
const documentCache = {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sellerId: integer('seller_id')
    .notNull()
    .references(() => sellers.id, { onDelete: 'cascade' }),
  sellerResourceId: text('seller_resource_id').notNull(),
  /** status (incident, appointment) or state (work order). */
  status: text('status').notNull(),
  /** Latest change date the document itself carries (incidents), to order documents. */
  lastChangeAt: text('last_change_at'),
  document: text('document', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  documentHash: text('document_hash').notNull(),
  /** When the GET that produced `document` was sent. */
  fetchedAt: text('fetched_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

/** A text attribute of the cached document, derived by the database so every writer keeps it current. */
const incidentText = (name: string, path: string) =>
  text(name).generatedAlwaysAs(sql.raw(`json_extract(document, '${path}')`), { mode: 'virtual' });
/** A date attribute of the cached document in one UTC form (YYYY-MM-DDTHH:MM:SS.SSSZ), so text order is time order. */
const incidentDate = (name: string, path: string) =>
  text(name).generatedAlwaysAs(sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(document, '${path}'))`), { mode: 'virtual' });

export const incidents = sqliteTable(
  'incidents',
  {
    ...documentCache,
    /** The first of our products the incident names; null when it names none of ours. */
    productId: text('product_id'),
    // MEF 113 O17 filter attributes, read from the document.
    severity: incidentText('severity', '$.severity'),
    priority: incidentText('priority', '$.priority'),
    incidentType: incidentText('incident_type', '$.incidentType'),
    impact: incidentText('impact', '$.impact'),
    description: incidentText('description', '$.description'),
    /** relatedEntity[] as JSON text, for matching any product the incident names. */
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

/** Per Seller: whether it offers incidents at all (MEF 113 UC 13/14 are optional; a 501 says no), and the last list. */
export const sellerIncidentState = sqliteTable('seller_incident_state', {
  sellerId: integer('seller_id')
    .primaryKey()
    .references(() => sellers.id, { onDelete: 'cascade' }),
  /** Set when the Seller answered 501 to the incident list; cleared when it lists incidents again. */
  notOfferedSince: text('not_offered_since'),
  lastListedAt: text('last_listed_at'),
  lastListCount: integer('last_list_count'),
  lastListError: text('last_list_error'),
  checkedAt: text('checked_at').notNull(),
});

export const workOrders = sqliteTable(
  'work_orders',
  {
    ...documentCache,
    appointmentRequired: integer('appointment_required', { mode: 'boolean' }).notNull().default(false),
    /** When we first saw appointmentRequired=true in its current stretch: orders the "appointments needed" queue. */
    appointmentRequiredSince: text('appointment_required_since'),
    /** The GeographicSiteRef id of the work order's place, when it names one. */
    siteId: text('site_id'),
    /** The Seller's id of the trouble ticket the work order serves (relatedEntity of type TroubleTicket). */
    ticketId: text('ticket_id'),
    /** The product (relatedEntity of type Product) the work is for: gives the site's address and time zone. */
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

export const appointments = sqliteTable(
  'appointments',
  {
    ...documentCache,
    workOrderId: text('work_order_id'),
    startAt: text('start_at'),
    endAt: text('end_at'),
    /** The GeographicSiteRef id of the appointment's place (or its work order's), when known. */
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

/** What we saw happen to each appointment: its status and period each time either changed (MEF sends no history). */
export const appointmentHistory = sqliteTable(
  'appointment_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    appointmentId: integer('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    startAt: text('start_at'),
    endAt: text('end_at'),
    /** When the request that revealed the change was sent. */
    observedAt: text('observed_at').notNull(),
  },
  (t) => [index('appointment_history_appointment_idx').on(t.appointmentId, t.observedAt)],
);

export type AppointmentHistoryRow = typeof appointmentHistory.$inferSelect;

export const WAITING_KINDS = ['informationRequired', 'appointmentRequired', 'clearanceRequested', 'newIncident', 'appointmentChanged', 'slaAtRisk', 'slaBreached'] as const;
export type WaitingKind = (typeof WAITING_KINDS)[number];

/** "Waiting on you": what a Seller expects the operator to do. One row per (Seller, kind, resource); cleared, not deleted. */
export const waitingItems = sqliteTable(
  'waiting_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: WAITING_KINDS }).notNull(),
    /** ticket | incident | appointment | workOrder */
    entityType: text('entity_type').notNull(),
    /** The Seller's id of the resource. */
    entityId: text('entity_id').notNull(),
    ticketId: integer('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
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

/**
 * The change feed: every change a screen may show, in commit order. Written in the same transaction as the change,
 * read by the live stream (the sequence is the SSE event id, so a browser resumes where it stopped), pruned by age.
 */
export const changeFeed = sqliteTable(
  'change_feed',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    /** ticket | incident | workOrder | appointment | waiting | sellerSync */
    topic: text('topic').notNull(),
    /** Registry slug; not a foreign key, so the history outlives a Seller's removal. */
    seller: text('seller').notNull(),
    entityId: text('entity_id'),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
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

// ---------------------------------------------------------------------------------------------------------------
// Ticket desk: the contact book, saved queue views, staged attachment uploads.

/** Buyer contacts operators pick as Buyer Technical Contacts (MEF 113 Table 27). Shared by the whole desk. */
export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    number: text('number').notNull(),
    numberExtension: text('number_extension'),
    emailAddress: text('email_address').notNull(),
    organization: text('organization'),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    ...timestamps,
  },
  (t) => [index('contacts_name_idx').on(t.name), uniqueIndex('contacts_email_name_uq').on(t.emailAddress, t.name)],
);

/** A user's own named filters of the ticket queue (the built-in views live in lib/domain/ticket-queue.ts). */
export const ticketViews = sqliteTable(
  'ticket_views',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** URL search string of the queue, without '?'. */
    search: text('search').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('ticket_views_user_name_uq').on(t.userId, t.name)],
);

/** Files uploaded by the browser before the ticket form is submitted; moved into the ticket's outbox payload. */
export const ticketAttachmentUploads = sqliteTable(
  'ticket_attachment_uploads',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    content: blob('content', { mode: 'buffer' }).notNull(),
    createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (t) => [
    index('ticket_attachment_uploads_user_idx').on(t.userId, t.createdAt),
    index('ticket_attachment_uploads_created_idx').on(t.createdAt),
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type TicketView = typeof ticketViews.$inferSelect;
export type TicketAttachmentUpload = typeof ticketAttachmentUploads.$inferSelect;

/** A Buyer Technical Contact carried by a ticket template (MEF 113 Table 27). */
export interface TemplateContact {
  name: string;
  number: string;
  emailAddress: string;
  organization: string;
}

/**
 * Ready-made values for the create form, optionally only for one Seller and/or one of its products. Empty texts and
 * null values are fields the template leaves to the operator.
 */
export const ticketTemplates = sqliteTable(
  'ticket_templates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Offered only for this Seller; null for every Seller. */
    sellerId: integer('seller_id').references(() => sellers.id, { onDelete: 'cascade' }),
    /** The Seller's product identifier (needs sellerId); null for every product. */
    productId: text('product_id'),
    description: text('description').notNull().default(''),
    ticketType: text('ticket_type'),
    severity: text('severity'),
    priority: text('priority'),
    observedImpact: text('observed_impact'),
    note: text('note').notNull().default(''),
    contacts: text('contacts', { mode: 'json' }).$type<TemplateContact[]>().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('ticket_templates_name_uq').on(t.name), index('ticket_templates_seller_idx').on(t.sellerId)],
);

/** Short named texts operators insert into a ticket note. */
export const noteSnippets = sqliteTable(
  'note_snippets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    text: text('text').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('note_snippets_name_uq').on(t.name)],
);

export type TicketTemplateRow = typeof ticketTemplates.$inferSelect;
export type NoteSnippetRow = typeof noteSnippets.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------
// Service levels: agreements with each Seller, the calendars their clocks run on, and each ticket's clocks.

/** Weekly opening hours in a time zone, with public holidays; the clock of an agreement on it runs only while open. */
export const slaCalendars = sqliteTable(
  'sla_calendars',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /** [{ day: 0–6 (Sunday first), from, to: minutes after local midnight }] */
    hours: text('hours', { mode: 'json' }).$type<Array<{ day: number; from: number; to: number }>>().notNull(),
    /** Local dates, YYYY-MM-DD. */
    holidays: text('holidays', { mode: 'json' }).$type<string[]>().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('sla_calendars_name_uq').on(t.name)],
);

/** What a Seller promised: targets per severity (or priority), for tickets created within the validity period. */
export const slaAgreements = sqliteTable(
  'sla_agreements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    sellerId: integer('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    /** Narrowed to one product of the Seller, or to one site; null for both = every ticket with the Seller. */
    productId: text('product_id'),
    siteId: text('site_id'),
    basis: text('basis', { enum: ['severity', 'priority'] }).notNull().default('severity'),
    /** { [severity or priority]: { acknowledge?, resolve?, firstNote? } } in minutes of calendar time. */
    targets: text('targets', { mode: 'json' }).$type<Record<string, Partial<Record<'acknowledge' | 'resolve' | 'firstNote', number>>>>().notNull(),
    pauseStates: text('pause_states', { mode: 'json' }).$type<Array<'pending' | 'assessingCancellation'>>().notNull(),
    atRiskPercent: integer('at_risk_percent').notNull().default(75),
    /** null: 24×7. */
    calendarId: integer('calendar_id').references(() => slaCalendars.id, { onDelete: 'restrict' }),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
    ...timestamps,
  },
  (t) => [index('sla_agreements_seller_idx').on(t.sellerId, t.validFrom)],
);

/**
 * Each measured target of each ticket, as last computed by the cache writer: the figures at `computedAt` and the
 * instants at which a running clock turns at risk and breached, so readers need no recomputation.
 */
export const ticketSla = sqliteTable(
  'ticket_sla',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    sellerId: integer('seller_id').notNull(),
    agreementId: integer('agreement_id').references(() => slaAgreements.id, { onDelete: 'set null' }),
    /** The agreement's name, targets, pause states and calendar as applied, kept as evidence. */
    agreementSnapshot: text('agreement_snapshot', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    target: text('target', { enum: ['acknowledge', 'resolve', 'firstNote'] }).notNull(),
    /** The severity (or priority) value the target was taken for. */
    level: text('level').notNull(),
    targetMs: integer('target_ms').notNull(),
    elapsedMs: integer('elapsed_ms').notNull(),
    pausedMs: integer('paused_ms').notNull(),
    state: text('state', { enum: ['running', 'paused', 'stopped'] }).notNull(),
    verdict: text('verdict', { enum: ['met', 'onTrack', 'atRisk', 'breached', 'cancelled'] }).notNull(),
    final: integer('final', { mode: 'boolean' }).notNull().default(false),
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
    // Covers the scorecard's read: a Seller's month of clocks comes from the index alone.
    index('ticket_sla_scorecard_idx').on(t.sellerId, t.ticketCreatedAt, t.target, t.level, t.targetMs, t.state, t.verdict, t.elapsedMs, t.pausedMs, t.atRiskAt, t.breachAt, t.ticketId),
    index('ticket_sla_due_risk_idx').on(t.riskNotifiedAt, t.atRiskAt),
    index('ticket_sla_due_breach_idx').on(t.breachNotifiedAt, t.breachAt),
  ],
);

export type SlaCalendar = typeof slaCalendars.$inferSelect;
export type SlaAgreement = typeof slaAgreements.$inferSelect;
export type TicketSla = typeof ticketSla.$inferSelect;

export const PERIODIC_JOB_OUTCOMES = ['ok', 'failed'] as const;

/**
 * One row per periodic job (SLA sweep, reconciliation, retention, …): the instance that claimed the current period
 * holds the lease, so a job runs once per period however many instances share the database.
 */
export const periodicJobs = sqliteTable('periodic_jobs', {
  name: text('name').primaryKey(),
  /** The process running the job now; another instance may take over once `leaseUntil` has passed. */
  leaseOwner: text('lease_owner'),
  leaseUntil: text('lease_until'),
  lastStartedAt: text('last_started_at'),
  lastFinishedAt: text('last_finished_at'),
  lastOutcome: text('last_outcome', { enum: PERIODIC_JOB_OUTCOMES }),
  lastError: text('last_error'),
});

export type PeriodicJobRow = typeof periodicJobs.$inferSelect;
