import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

export const SCOPE_MODES = ['operation', 'fixed', 'none'] as const;

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
    /** 'file' when loaded from the sellers file at start; such entries are refreshed from it on every start. */
    origin: text('origin', { enum: ['ui', 'file'] }).notNull().default('ui'),
    ...timestamps,
  },
  (t) => [uniqueIndex('sellers_slug_uq').on(t.slug)],
);

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
  (t) => [index('audit_entity_idx').on(t.entityType, t.entityId), index('audit_at_idx').on(t.at)],
);

/** Failed sign-in counters for throttling, keyed by normalised e-mail and by client address. */
export const loginAttempts = sqliteTable('login_attempts', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStart: text('window_start').notNull(),
  lockedUntil: text('locked_until'),
});

export type User = typeof users.$inferSelect;
export type Seller = typeof sellers.$inferSelect;
export type NewSeller = typeof sellers.$inferInsert;
export type Product = typeof products.$inferSelect;
export type NewProduct = typeof products.$inferInsert;
