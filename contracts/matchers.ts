/**
 * Pact V4 matchers for the documented shape, derived from the zod schemas in schema.ts (through
 * their JSON Schema), so a consumer's Pact test gets the vendor's shape for free:
 *
 *   .withRequest('POST', `/api${LIST_PATH}`, signedJsonRequest({ qwUserId: 'dowen', size: 100 }))
 *   .willRespondWith(200, respondWith(followedCustomerPage({ exact: { qwUserId: 'dowen' } })))
 *
 * Examples are the vendor's documented response. Integers get `integer`, formatted strings
 * `regex` (times `yyyy-MM-dd HH:mm:ss`, cursors, ids), lists a `type` rule with a minimum (like
 * `atLeastLike`). Nullable properties ("string or null" in the docs) need a rule Pact's DSL cannot
 * write: `regex` OR `null`. The helpers answer a ShapedBody, the body plus those rules, and
 * `respondWith` gives both to the interaction.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { PACKAGE_ROOT } from '../mock/package-files.js'
import { loadPact } from './pact.js'
import { DEMO_CREDENTIALS } from '../mock/options.js'
import { computeSign, type Credentials } from '../mock/protocol/signing.js'
import { ERROR_CODES, ERROR_MESSAGES, cursorSchema, followedCustomerPageSchema, followedCustomerSchema, type FollowedCustomer, type FollowedCustomerPage } from './schema.js'

/** The vendor's documented response (fixtures/vendor/), checked against the schema on load. */
export const DOCUMENTED_PAGE: FollowedCustomerPage = followedCustomerPageSchema.parse(
  JSON.parse(readFileSync(`${PACKAGE_ROOT}fixtures/vendor/list-by-relation-create-time-asc.response.json`, 'utf8')),
)
const [DOCUMENTED_PERSONAL, DOCUMENTED_ENTERPRISE] = DOCUMENTED_PAGE.data.list as [FollowedCustomer, FollowedCustomer]

/** The subset of JSON Schema that zod writes for our schemas. */
interface JsonSchema {
  type?: string | string[]
  pattern?: string
  const?: unknown
  enum?: unknown[]
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  minItems?: number
  maxItems?: number
}

const MATCHER_TYPE = 'pact:matcher:type'

/** Pact's V3 matchers, loaded when first needed (@pact-foundation/pact is an optional peer dependency). */
const matchers = () => loadPact("tanma-mock/contracts' Pact matchers").MatchersV3

/** A regex matcher in the FFI's integration format (MatchersV3.regex refuses a null example). */
function regex(pattern: string, value: string | null) {
  return { [MATCHER_TYPE]: 'regex', regex: pattern, value }
}

/** A JS RegExp source as the Pact core's (Rust) regex syntax reads it. */
function rustPattern(source: string): string {
  return source.replaceAll('\\/', '/')
}

/** The pattern without its anchors, to embed in a larger one. */
function unanchored(pattern: string): string {
  return pattern.replace(/^\^/, '').replace(/\$$/, '')
}

/** An example for a schema when the example document has none (an empty list's item). */
function exampleFor(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  if (schema.anyOf) return exampleFor(schema.anyOf[0]!)
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1
    case 'boolean':
      return true
    case 'array':
      return []
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, exampleFor(s)]))
    default:
      return 'text'
  }
}

/** A rule the DSL cannot write, in the pact file's own format: `{combine: 'OR', matchers}` by JSON path. */
export type OrRules = Record<string, { combine: 'OR'; matchers: Record<string, unknown>[] }>

/** Matchers for `example` at `path`, by the rules of `schema`; nullable properties add to `rules`. */
function walk(schema: JsonSchema, example: unknown, path: string, rules: OrRules): unknown {
  // zod writes a nullable plain type as `type: [t, "null"]`: read it as anyOf.
  if (Array.isArray(schema.type)) return walk({ anyOf: schema.type.map((type) => ({ ...schema, type })) }, example, path, rules)
  if (schema.anyOf) {
    const other = schema.anyOf.filter((s) => s.type !== 'null')
    if (other.length < schema.anyOf.length && other.length === 1) {
      const inner = other[0]!
      if (inner.type === 'string' && (example === null || typeof example === 'string')) {
        // The example stays a plain value: a DSL matcher at the same path would AND with this rule.
        // Free text: `type` when the example is a string; after a null example only a regex can
        // say "any text", and the Pact core reads numbers as their digits for a regex.
        const text = inner.pattern ? { match: 'regex', regex: rustPattern(inner.pattern) } : example === null ? { match: 'regex', regex: '^[\\s\\S]*$' } : { match: 'type' }
        rules[path] = { combine: 'OR', matchers: [text, { match: 'null' }] }
        return example
      }
      return example === null ? matchers().nullValue() : walk(inner, example, path, rules)
    }
    if (schema.anyOf.every((s) => typeof s.const === 'number')) return matchers().integer(example as number)
    return matchers().like(example)
  }
  if (schema.const !== undefined) return example
  if (schema.enum) return regex(`^(?:${schema.enum.map((v) => String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`, example as string)
  switch (schema.type) {
    case 'integer':
      return matchers().integer(example as number)
    case 'number':
      return matchers().number(example as number)
    case 'boolean':
      return matchers().boolean(example as boolean)
    case 'string':
      return schema.pattern ? regex(rustPattern(schema.pattern), example as string) : matchers().string(example as string)
    case 'array': {
      const list = example as unknown[]
      const item = schema.items ?? {}
      const template = walk(item, list.length > 0 ? list[0] : exampleFor(item), `${path}[*]`, rules)
      return listOf(template, schema.minItems ?? 0, schema.maxItems)
    }
    case 'object': {
      const properties = schema.properties ?? {}
      return Object.fromEntries(
        Object.entries(example as Record<string, unknown>).map(([key, value]) => [key, key in properties ? walk(properties[key]!, value, `${path}.${key}`, rules) : value]),
      )
    }
    default:
      return matchers().like(example)
  }
}

/**
 * A list of at least `min` (at most `max`) items like `template`, with max(1, min) examples. Only
 * the first example carries the template's matchers (Pact would repeat each rule per copy).
 */
function listOf(template: unknown, min: number, max?: number) {
  const count = Math.max(1, min)
  const copies = Array.from({ length: count - 1 }, () => matchers().reify(template))
  return { [MATCHER_TYPE]: 'type', min, ...(max === undefined ? {} : { max }), value: [template, ...copies] }
}

const jsonSchemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema
const ITEM_SCHEMA = jsonSchemaOf(followedCustomerSchema)
const PAGE_SCHEMA = jsonSchemaOf(followedCustomerPageSchema)
const CURSOR_SCHEMA = jsonSchemaOf(cursorSchema)

/** A response body with matchers, and the OR rules Pact's DSL cannot write (see respondWith). */
export interface ShapedBody {
  readonly body: unknown
  readonly rules: OrRules
}

/**
 * Matchers for any value of `schema`, shaped like `example`: the general form of the helpers below,
 * for a consumer whose interaction needs its own example.
 */
export function matchersFor(schema: z.ZodType, example: unknown, path = '$'): ShapedBody {
  const rules: OrRules = {}
  return { body: walk(jsonSchemaOf(schema), example, path, rules), rules }
}

export interface FollowedCustomerOptions {
  /** The example the matchers are built on (default: the documented personal customer, or the enterprise one when `exact.type` is 2). */
  example?: FollowedCustomer
  /** Properties every item must equal exactly, e.g. `{ qwUserId: 'dowen' }` or `{ type: 2 }` (an enterprise customer then requires companyInfo). */
  exact?: Partial<FollowedCustomer>
}

/** Matchers for one listed customer at `path` (its OR rules go to `rules`). */
function followedCustomer(options: FollowedCustomerOptions, path: string, rules: OrRules): Record<string, unknown> {
  const exact = options.exact ?? {}
  const given = { ...(options.example ?? (exact.type === 2 ? DOCUMENTED_ENTERPRISE : DOCUMENTED_PERSONAL)), ...exact }
  // The list's template is its first field: take one with text, so valueAsText is typed as text.
  const fields = [...given.fields].sort((a, b) => Number(a.valueAsText === null) - Number(b.valueAsText === null))
  const example = { ...given, fields }
  const template = walk(ITEM_SCHEMA, example, path, rules) as Record<string, unknown>
  for (const [key, value] of Object.entries(exact)) {
    template[key] = value
    delete rules[`${path}.${key}`]
  }
  return template
}

export interface PageOptions extends FollowedCustomerOptions {
  /** Exactly this many items. Default: any number (the example shows one). */
  count?: number
  /** `cursor`: a well-formed cursor (more pages follow); `null`: the last page; `either` (default). */
  nextCursor?: 'cursor' | null | 'either'
}

/** A successful page: `{code: 0, message: "ok"|"success", data: {list, nextCursor}}`. */
export function followedCustomerPage(options: PageOptions = {}): ShapedBody {
  const rules: OrRules = {}
  const item = followedCustomer(options, '$.data.list[*]', rules)
  const list = options.count === 0 ? [] : listOf(item, options.count ?? 0, options.count)
  const cursorExample = DOCUMENTED_PAGE.data.nextCursor
  const nextCursor =
    options.nextCursor === null
      ? null
      : walk(options.nextCursor === 'cursor' ? CURSOR_SCHEMA : PAGE_SCHEMA.properties!.data!.properties!.nextCursor!, cursorExample, '$.data.nextCursor', rules)
  const envelope = walk(PAGE_SCHEMA, { ...DOCUMENTED_PAGE, data: {} }, '$', rules) as Record<string, unknown>
  return { body: { ...envelope, data: { list, nextCursor } }, rules }
}

/** A page with no items and no cursor: an empty window, or the end of the data. */
export function emptyPage(): ShapedBody {
  return followedCustomerPage({ count: 0, nextCursor: null })
}

/** The error envelope of a documented error: `1002` bad signature, `1003` stale timestamp, `40000` invalid request (a message prefix). */
export function errorResponse(kind: keyof typeof ERROR_CODES): ShapedBody {
  const message = ERROR_MESSAGES[kind]
  return {
    body: {
      code: ERROR_CODES[kind],
      message: kind === 'validation' ? regex(`^${message}[\\s\\S]*$`, `${message}cursor 无法解析，请使用上一页返回的 nextCursor`) : message,
      data: null,
    },
    rules: {},
  }
}

/** The part of Pact's V4 response builder respondWith uses. */
export interface JsonResponseBuilder {
  jsonBody(body: unknown): JsonResponseBuilder
}

/**
 * `willRespondWith`'s builder for a ShapedBody: `.willRespondWith(200, respondWith(followedCustomerPage()))`.
 * The OR rules go to the interaction through the Pact FFI's own matching-rules call, which
 * pact-js 16 keeps on the builder but does not expose with `combine`.
 */
export function respondWith(shaped: ShapedBody): (builder: JsonResponseBuilder) => void {
  return (builder) => {
    builder.jsonBody(shaped.body)
    if (Object.keys(shaped.rules).length === 0) return
    const interaction = (builder as { interaction?: { withResponseMatchingRules?: (rules: string) => void } }).interaction
    if (typeof interaction?.withResponseMatchingRules !== 'function') {
      throw new Error('tanma-mock: this version of @pact-foundation/pact does not let respondWith add matching rules (tested with 16.x)')
    }
    interaction.withResponseMatchingRules(JSON.stringify({ body: shaped.rules }))
  }
}

/** The timestamp recorded in examples: 2021-06-02 20:04:41 in Beijing, the documented customer's createTime. */
export const EXAMPLE_TIMESTAMP = 1622635481000

/** The body as the Pact verifier sends it: compact JSON, keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  )
}

/**
 * Request headers for a signed call: `appId` exactly, `timestamp` any 13 digits and `sign` any 64
 * hex digits, with examples that are a valid signature of `body` (as the verifier will send it)
 * at EXAMPLE_TIMESTAMP. The fake's verifier re-signs requests whose recorded signature is valid
 * and keeps wrong ones wrong: sign with a wrong appKey to record a deliberately bad signature.
 */
export function signedHeaders(body: unknown, credentials: Credentials = DEMO_CREDENTIALS, timestamp = EXAMPLE_TIMESTAMP): Record<string, unknown> {
  const ts = String(timestamp)
  const sign = computeSign(credentials.appId, ts, canonicalJson(matchers().reify(body)), credentials.appKey)
  return {
    appId: credentials.appId,
    timestamp: matchers().regex(/^\d{13}$/, ts),
    sign: matchers().regex(/^[0-9a-f]{64}$/, sign),
  }
}

/** The part of Pact's V4 request builder that signedJsonRequest uses. */
export interface JsonRequestBuilder {
  headers(headers: Record<string, any>): JsonRequestBuilder
  jsonBody(body: unknown): JsonRequestBuilder
}

/** `withRequest`'s builder for a signed JSON body: `.withRequest('POST', path, signedJsonRequest(body))`. */
export function signedJsonRequest(body: Record<string, unknown> | unknown[], credentials?: Credentials, timestamp?: number): (builder: JsonRequestBuilder) => void {
  return (builder) => {
    builder.headers(signedHeaders(body, credentials, timestamp)).jsonBody(body)
  }
}
