import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates bodies and query strings against the generated MEF OpenAPI documents (OpenAPI 3.0.x) with ajv.
 *
 * OpenAPI 3.0 is not JSON Schema: `nullable` is rewritten to a type union, and the `discriminator` on
 * RelatedPlaceRefOrValue (whose subtypes `allOf` the base, so a naive dispatch would recurse forever) is
 * replaced by an explicit `@type` dispatch onto the mapped subtype, while the subtypes keep a plain copy
 * of the base.
 */

export interface SchemaViolation {
  /** JSON Pointer (RFC 6901) into the validated value. */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed, or `unexpectedProperty` / `unknownParameter` / `status` / `body`. */
  keyword: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = { [key: string]: unknown };

interface OperationObject {
  operationId?: string;
  parameters?: ReadonlyArray<{ in: string; name: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** The shape every generated `*.spec.ts` constant has. */
export interface OpenApiDocument {
  readonly paths: { readonly [path: string]: unknown };
  readonly components?: { readonly schemas?: { readonly [name: string]: unknown } };
}

export interface ValidateOptions {
  /**
   * `report` (default) flags object members the schema does not declare as `unexpectedProperty`.
   * Members starting with '@' (polymorphism hints such as @type, @baseType, @schemaLocation) are always accepted.
   */
  unknownProperties?: 'report' | 'allow';
}

export interface ResponseValidateOptions extends ValidateOptions {
  /** When true, the documented source defects listed in KNOWN_SPEC_DEFECTS are not tolerated. */
  strict?: boolean;
}

/**
 * Places where the YAML contradicts the normative guides. Responses are checked against the guides' reading
 * unless `strict` is set.
 */
export const KNOWN_SPEC_DEFECTS = [
  {
    operationId: 'listWorkOrder',
    defect: 'The 200 response is declared as a single WorkOrder_Find; the list returns an array of them.',
  },
  {
    schema: 'TroubleTicket_Find',
    defect:
      'externalId, expectedResolutionDate and resolutionDate are declared required; TT-G R23 lists them only when set.',
  },
] as const;

const JSON_MEDIA = 'application/json;charset=utf-8';
const REF_ROOT = 'mef';
const BASE_SUFFIX = '__base';

interface CompiledDocument {
  ajv: Ajv;
  schemas: Record<string, SchemaObject>;
  operations: Map<string, { path: string; method: string; op: OperationObject }>;
  validators: Map<string, ValidateFunction>;
}

const compiledDocuments = new WeakMap<object, CompiledDocument>();

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Rewrites OpenAPI 3.0 specifics into JSON Schema and points local refs at the registered document. */
function toJsonSchema(node: unknown, rewriteBaseRefs?: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, rewriteBaseRefs));
  if (!isObject(node)) return node;
  const out: SchemaObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      const name = value.slice('#/components/schemas/'.length);
      out.$ref = `${REF_ROOT}#/components/schemas/${rewriteBaseRefs?.has(name) ? name + BASE_SUFFIX : name}`;
    } else if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([prop, schema]) => [prop, toJsonSchema(schema, rewriteBaseRefs)]),
      );
    } else if (key === 'discriminator' || key === 'nullable' || key === 'example' || key === 'xml') {
      continue;
    } else {
      out[key] = toJsonSchema(value, rewriteBaseRefs);
    }
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function transformComponents(raw: Record<string, unknown>): Record<string, SchemaObject> {
  const discriminated = new Map<string, { propertyName: string; mapping: Record<string, string> }>();
  for (const [name, schema] of Object.entries(raw)) {
    const d = isObject(schema) ? schema.discriminator : undefined;
    if (isObject(d) && typeof d.propertyName === 'string') {
      const mapping = isObject(d.mapping) ? (d.mapping as Record<string, string>) : {};
      discriminated.set(name, { propertyName: d.propertyName, mapping });
    }
  }
  const subtypeOf = new Map<string, Set<string>>();
  for (const [base, { mapping }] of discriminated) {
    for (const target of Object.values(mapping)) {
      const sub = target.slice(target.lastIndexOf('/') + 1);
      const set = subtypeOf.get(sub) ?? new Set<string>();
      set.add(base);
      subtypeOf.set(sub, set);
    }
  }
  const out: Record<string, SchemaObject> = {};
  for (const [name, schema] of Object.entries(raw)) {
    out[name] = toJsonSchema(schema, subtypeOf.get(name)) as SchemaObject;
  }
  for (const [name, { propertyName, mapping }] of discriminated) {
    out[name + BASE_SUFFIX] = out[name] as SchemaObject;
    const values = Object.keys(mapping);
    out[name] = {
      type: 'object',
      required: [propertyName],
      properties: { [propertyName]: { type: 'string', enum: values } },
      allOf: values.map((value) => ({
        if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
        then: { $ref: `${REF_ROOT}#/components/schemas/${(mapping[value] ?? '').slice((mapping[value] ?? '').lastIndexOf('/') + 1)}` },
      })),
    };
  }
  return out;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function compileDocument(doc: OpenApiDocument): CompiledDocument {
  const cached = compiledDocuments.get(doc);
  if (cached) return cached;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  const schemas = transformComponents({ ...(doc.components?.schemas ?? {}) });
  ajv.addSchema({ $id: REF_ROOT, components: { schemas } });
  const operations = new Map<string, { path: string; method: string; op: OperationObject }>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (isObject(op) && typeof op.operationId === 'string') {
        operations.set(op.operationId, { path, method, op: op as OperationObject });
      }
    }
  }
  const compiled: CompiledDocument = { ajv, schemas, operations, validators: new Map() };
  compiledDocuments.set(doc, compiled);
  return compiled;
}

function validatorFor(compiled: CompiledDocument, key: string, schema: unknown): ValidateFunction {
  let fn = compiled.validators.get(key);
  if (!fn) {
    fn = compiled.ajv.compile(toJsonSchema(schema) as SchemaObject);
    compiled.validators.set(key, fn);
  }
  return fn;
}

function ajvErrorsToViolations(errors: ErrorObject[] | null | undefined, prefix = ''): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let path = prefix + e.instancePath;
    if (e.keyword === 'required') path += '/' + escapePointer(String((e.params as { missingProperty: string }).missingProperty));
    const message = e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
    const key = `${path}|${e.keyword}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message, keyword: e.keyword });
  }
  return out;
}

function resolveRef(doc: OpenApiDocument, schema: unknown): { name?: string; schema: unknown } {
  if (isObject(schema) && typeof schema.$ref === 'string' && schema.$ref.startsWith('#/components/schemas/')) {
    const name = schema.$ref.slice('#/components/schemas/'.length);
    return { name, schema: doc.components?.schemas?.[name] };
  }
  return { schema };
}

/** Flattens $ref / allOf / discriminator into the plain schemas that apply to `value`. */
function applicableSchemas(doc: OpenApiDocument, schema: unknown, value: unknown, basesInUse: ReadonlySet<string>): SchemaObject[] {
  const { name, schema: resolved } = resolveRef(doc, schema);
  if (!isObject(resolved)) return [];
  const d = resolved.discriminator;
  if (name && isObject(d) && typeof d.propertyName === 'string' && !basesInUse.has(name) && isObject(value)) {
    const tag = value[d.propertyName];
    const target = typeof tag === 'string' && isObject(d.mapping) ? d.mapping[tag] : undefined;
    if (typeof target === 'string') {
      return applicableSchemas(doc, { $ref: target }, value, new Set([...basesInUse, name]));
    }
    // Without a known subtype the allowed members are unknown; ajv already reports the bad or missing tag.
    return [];
  }
  const out: SchemaObject[] = [resolved];
  if (Array.isArray(resolved.allOf)) {
    for (const part of resolved.allOf) out.push(...applicableSchemas(doc, part, value, basesInUse));
  }
  return out;
}

function findUnexpectedProperties(doc: OpenApiDocument, schema: unknown, value: unknown, path: string, out: SchemaViolation[]): void {
  const applicable = applicableSchemas(doc, schema, value, new Set());
  if (Array.isArray(value)) {
    const itemSchemas = applicable.map((s) => s.items).filter((s) => s !== undefined);
    value.forEach((item, index) => {
      for (const itemSchema of itemSchemas) findUnexpectedProperties(doc, itemSchema, item, `${path}/${index}`, out);
    });
    return;
  }
  if (!isObject(value)) return;
  const declared = new Map<string, unknown[]>();
  let describesObject = false;
  for (const s of applicable) {
    if (s.additionalProperties !== undefined && s.additionalProperties !== false) return;
    if (isObject(s.properties)) {
      describesObject = true;
      for (const [prop, propSchema] of Object.entries(s.properties)) {
        declared.set(prop, [...(declared.get(prop) ?? []), propSchema]);
      }
    }
  }
  if (!describesObject) return;
  for (const [key, member] of Object.entries(value)) {
    const schemas = declared.get(key);
    const memberPath = `${path}/${escapePointer(key)}`;
    if (!schemas) {
      if (!key.startsWith('@')) out.push({ path: memberPath, message: 'is not a property of this object', keyword: 'unexpectedProperty' });
      continue;
    }
    for (const s of schemas) findUnexpectedProperties(doc, s, member, memberPath, out);
  }
}

function operation(doc: OpenApiDocument, operationId: string) {
  const found = compileDocument(doc).operations.get(operationId);
  if (!found) throw new Error(`Unknown operationId ${operationId}`);
  return found;
}

function jsonSchemaOf(content: Record<string, { schema?: unknown }> | undefined): unknown {
  if (!content) return undefined;
  return (content[JSON_MEDIA] ?? Object.values(content)[0])?.schema;
}

function validateAgainst(
  doc: OpenApiDocument,
  key: string,
  schema: unknown,
  value: unknown,
  options: ValidateOptions,
): SchemaViolation[] {
  const compiled = compileDocument(doc);
  const fn = validatorFor(compiled, key, schema);
  const violations = fn(value) ? [] : ajvErrorsToViolations(fn.errors);
  if ((options.unknownProperties ?? 'report') === 'report') findUnexpectedProperties(doc, schema, value, '', violations);
  return violations;
}

/** Validates a value against one named component schema of the document. */
export function validateSchema(doc: OpenApiDocument, schemaName: string, value: unknown, options: ValidateOptions = {}): SchemaViolation[] {
  if (!doc.components?.schemas?.[schemaName]) throw new Error(`Unknown schema ${schemaName}`);
  return validateAgainst(doc, `schema:${schemaName}`, { $ref: `#/components/schemas/${schemaName}` }, value, options);
}

export function validateRequestBody(
  doc: OpenApiDocument,
  operationId: string,
  body: unknown,
  options: ValidateOptions = {},
): SchemaViolation[] {
  const { op } = operation(doc, operationId);
  const schema = jsonSchemaOf(op.requestBody?.content);
  if (schema === undefined) {
    return body === undefined || body === null || body === ''
      ? []
      : [{ path: '', message: 'this operation takes no request body', keyword: 'body' }];
  }
  if (body === undefined) return [{ path: '', message: 'a request body is required', keyword: 'required' }];
  return validateAgainst(doc, `request:${operationId}`, schema, body, options);
}

function relaxedResponseSchema(operationId: string, schema: unknown): unknown {
  if (operationId === 'listWorkOrder') return { anyOf: [schema, { type: 'array', items: schema }] };
  return schema;
}

const RELAXED_REQUIRED: Record<string, readonly string[]> = {
  TroubleTicket_Find: ['externalId', 'expectedResolutionDate', 'resolutionDate'],
};

function dropRelaxedViolations(doc: OpenApiDocument, operationId: string, violations: SchemaViolation[]): SchemaViolation[] {
  if (operationId !== 'listTroubleTicket') return violations;
  const relaxed = RELAXED_REQUIRED.TroubleTicket_Find ?? [];
  return violations.filter((v) => !(v.keyword === 'required' && relaxed.some((p) => new RegExp(`^/\\d+/${p}$`).test(v.path))));
}

export function validateResponse(
  doc: OpenApiDocument,
  operationId: string,
  status: number,
  body: unknown,
  options: ResponseValidateOptions = {},
): SchemaViolation[] {
  const { op } = operation(doc, operationId);
  const response = op.responses?.[String(status)] ?? op.responses?.default;
  if (!response) return [{ path: '', message: `status ${status} is not declared for ${operationId}`, keyword: 'status' }];
  const declared = jsonSchemaOf(response.content);
  if (declared === undefined) {
    return body === undefined || body === null || body === ''
      ? []
      : [{ path: '', message: `status ${status} of ${operationId} has no body`, keyword: 'body' }];
  }
  if (body === undefined) return [{ path: '', message: 'a response body is required', keyword: 'body' }];
  if (options.strict) return validateAgainst(doc, `response:${operationId}:${status}:strict`, declared, body, options);
  const schema = relaxedResponseSchema(operationId, declared);
  if (schema !== declared) {
    // anyOf errors are unreadable: validate the branch that matches the body's shape.
    const branch = Array.isArray(body) ? { type: 'array', items: declared } : declared;
    return validateAgainst(doc, `response:${operationId}:${status}:${Array.isArray(body) ? 'array' : 'single'}`, branch, body, options);
  }
  return dropRelaxedViolations(doc, operationId, validateAgainst(doc, `response:${operationId}:${status}`, schema, body, options));
}

export type QueryInput = URLSearchParams | Record<string, string | readonly string[] | undefined>;

function queryEntries(query: QueryInput): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const add = (k: string, v: string) => map.set(k, [...(map.get(k) ?? []), v]);
  if (query instanceof URLSearchParams) {
    for (const [k, v] of query) add(k, v);
  } else {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (typeof v === 'string') add(k, v);
      else for (const item of v) add(k, item);
    }
  }
  return map;
}

function coerceQueryValue(schema: unknown, raw: string): Json {
  const type = isObject(schema) ? schema.type : undefined;
  if (type === 'integer' || type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  }
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

export interface ParsedQuery {
  values: Record<string, Json>;
  violations: SchemaViolation[];
}

/** Coerces the query string per the operation's parameter schemas and validates it. Unknown parameters are violations. */
export function parseQuery(doc: OpenApiDocument, operationId: string, query: QueryInput): ParsedQuery {
  const { op } = operation(doc, operationId);
  const params = (op.parameters ?? []).filter((p) => p.in === 'query');
  const byName = new Map(params.map((p) => [p.name, p]));
  const violations: SchemaViolation[] = [];
  const values: Record<string, Json> = {};
  for (const [name, raws] of queryEntries(query)) {
    const param = byName.get(name);
    const path = `/${escapePointer(name)}`;
    if (!param) {
      violations.push({ path, message: `${name} is not a query parameter of ${operationId}`, keyword: 'unknownParameter' });
      continue;
    }
    const isArray = isObject(param.schema) && param.schema.type === 'array';
    if (!isArray && raws.length > 1) {
      violations.push({ path, message: 'must be given once', keyword: 'type' });
      continue;
    }
    if (isArray) {
      const items = isObject(param.schema) ? param.schema.items : undefined;
      values[name] = raws.flatMap((r) => r.split(',')).map((r) => coerceQueryValue(items, r));
    } else {
      values[name] = coerceQueryValue(param.schema, raws[0] ?? '');
    }
  }
  for (const p of params) {
    if (p.required && !(p.name in values)) {
      violations.push({ path: `/${escapePointer(p.name)}`, message: 'is required', keyword: 'required' });
    }
  }
  const schema = {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
  };
  const compiled = compileDocument(doc);
  const fn = validatorFor(compiled, `query:${operationId}`, schema);
  const known = Object.fromEntries(Object.entries(values));
  if (!fn(known)) violations.push(...ajvErrorsToViolations(fn.errors));
  return { values, violations };
}

export function validateQuery(doc: OpenApiDocument, operationId: string, query: QueryInput): SchemaViolation[] {
  return parseQuery(doc, operationId, query).violations;
}
