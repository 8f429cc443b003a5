/**
 * Pact V4 asynchronous-message matchers for Tanma's pushes (docs/upstream.md §8), so a consumer
 * pins what its push handler relies on and `npm run verify` checks the fake sends exactly that:
 *
 *   pact.addAsynchronousInteraction()
 *     .given('member dowen has the WeCom friend wmdowen0001')
 *     .expectsToReceive('a new_qw_customer push', pushMessage('new_qw_customer'))
 *     .executeTest(async (message) => myHandler(message.contents.content))
 *
 * What a message pact pins is the DECRYPTED message, the one a receiver's handler gets after
 * checking the headers and decrypting the body: `{type, noise, msgId, [eventId,] content}`.
 *   - `type` exactly (the interaction is about one type);
 *   - `noise` and `msgId` by `integer` (they differ on every push; the fake sends int64 noises
 *     beyond 2^53, which the Pact core reads exactly; the example in the pact is a safe integer,
 *     because pact-js writes the example through a JS number);
 *   - `eventId` by `type` (any string), on the types that carry one (customer_contact_edit);
 *   - `content` by the content's zod schema (matchersFor): ids `integer`, texts `type`, lists with
 *     a minimum, nullable properties "text or null".
 * The transport (headers, signature, encryption, acknowledgement) is not in the pact: it is the
 * same for every type and is tested against the crypto (mock/push/crypto.ts) and a real receiver.
 */
import { z } from 'zod'
import { PUSH_CONTENT_SCHEMAS, PUSH_TYPE_TABLE } from '../mock/push/messages.js'
import { loadPact } from './pact.js'
import { matchersFor, type OrRules, type ShapedBody } from './matchers.js'

/** The content schema of each push type: the fake's own, one definition (mock/push/contents.ts via messages.ts). */
export function pushContentSchemas(): Readonly<Record<string, z.ZodType>> {
  return PUSH_CONTENT_SCHEMAS as Readonly<Record<string, z.ZodType>>
}

/** Documented types with a top-level string `eventId` (docs/upstream.md §8). */
export const PUSH_TYPES_WITH_EVENT_ID: readonly string[] = ['customer_contact_edit']

/** Example contents: the fake's table of types (mock/push/messages.ts PUSH_TYPE_TABLE), the documented ones where the docs give one. */
const CONTENT_EXAMPLES: Readonly<Record<string, unknown>> = Object.fromEntries(PUSH_TYPE_TABLE.map((row) => [row.type, row.example]))

/** The examples of the numbers every push carries: the documented msgId, a safe-integer noise. */
export const PUSH_EXAMPLE = { noise: -2034784145872727, msgId: 999, eventId: 'a1b2c3d4e5f6' } as const

/** Texts tried, in order, as the example of a string with a pattern. */
const TEXT_CANDIDATES = ['410983932389440', 'wmdowen0001', '2021-06-02 20:04:41', 'https://wx.qlogo.cn/mmhead/0', '13800138000', 'dowen', 'text']

/** An example for a schema without a documented one (its JSON Schema's types, 1 for numbers, 'text' for strings). */
function exampleOf(schema: z.ZodType): unknown {
  const walk = (s: Record<string, any>): unknown => {
    if (s.const !== undefined) return s.const
    if (s.enum) return s.enum[0]
    if (s.anyOf) return walk(s.anyOf.find((x: Record<string, any>) => x.type !== 'null') ?? s.anyOf[0])
    const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type
    switch (type) {
      case 'integer':
      case 'number':
        return 1
      case 'boolean':
        return true
      case 'array':
        return [walk(s.items ?? {})]
      case 'object':
        return Object.fromEntries(Object.entries((s.properties ?? {}) as Record<string, Record<string, any>>).map(([k, v]) => [k, walk(v)]))
      default:
        return s.pattern ? (TEXT_CANDIDATES.find((t) => new RegExp(s.pattern).test(t)) ?? 'text') : 'text'
    }
  }
  return walk(z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, any>)
}

export interface PushMessageOptions {
  /** The content example the matchers are built on (default: the documented one, or one from the schema). */
  example?: unknown
  /** Content properties that must equal exactly, e.g. `{ qwUserId: 'dowen' }` (object contents). */
  exact?: Record<string, unknown>
  /** Whether the message carries a top-level `eventId` (default: the types documented with one). */
  eventId?: boolean
}

/**
 * The decrypted push message of `type` with matchers: `type` exact, `noise`/`msgId` integers,
 * `eventId` any string where the type has one, `content` by the type's schema. An unknown type
 * throws, naming the known ones.
 */
export function pushMessageBody(type: string, options: PushMessageOptions = {}): ShapedBody {
  const schemas = pushContentSchemas()
  const schema = schemas[type]
  if (!schema) throw new Error(`tanma-mock: no content schema for push type ${JSON.stringify(type)}; known: ${Object.keys(schemas).join(', ')}`)
  const exact = options.exact ?? {}
  const base = options.example ?? CONTENT_EXAMPLES[type] ?? exampleOf(schema)
  const example = Object.keys(exact).length > 0 ? { ...(base as Record<string, unknown>), ...exact } : base
  const parsed = schema.safeParse(example)
  if (!parsed.success) throw new Error(`tanma-mock: the example content is not a ${type} content: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(content)'}: ${i.message}`).join('; ')}`)
  const { body: content, rules } = matchersFor(schema, example, '$.content')
  if (content && typeof content === 'object' && !Array.isArray(content)) {
    for (const [key, value] of Object.entries(exact)) {
      ;(content as Record<string, unknown>)[key] = value
      for (const path of Object.keys(rules)) if (path === `$.content.${key}` || path.startsWith(`$.content.${key}.`) || path.startsWith(`$.content.${key}[`)) delete rules[path]
    }
  }
  const { integer, string } = loadPact("tanma-mock/contracts' push matchers").MatchersV3
  const withEventId = options.eventId ?? PUSH_TYPES_WITH_EVENT_ID.includes(type)
  return {
    body: {
      type,
      noise: integer(PUSH_EXAMPLE.noise),
      msgId: integer(PUSH_EXAMPLE.msgId),
      ...(withEventId ? { eventId: string(PUSH_EXAMPLE.eventId) } : {}),
      content,
    },
    rules,
  }
}

/** The part of Pact's V4 asynchronous-message builder `pushMessage` uses. */
export interface MessageContentBuilder {
  withJSONContent(content: unknown): MessageContentBuilder
}

/** Gives a ShapedBody to a message builder: the content, and the OR rules through the Pact FFI (see respondWith). */
export function messageWith(shaped: ShapedBody): (builder: MessageContentBuilder) => void {
  return (builder) => {
    builder.withJSONContent(shaped.body)
    if (Object.keys(shaped.rules).length === 0) return
    // pact-js 16's withMatchingRules drops `combine`: the FFI call takes the pact file's own format.
    const interaction = (builder as { message?: { interaction?: { withMatchingRules?: (rules: string) => void } } }).message?.interaction
    if (typeof interaction?.withMatchingRules !== 'function') {
      throw new Error('tanma-mock: this version of @pact-foundation/pact does not let pushMessage add matching rules (tested with 16.x)')
    }
    interaction.withMatchingRules(JSON.stringify({ body: shaped.rules satisfies OrRules }))
  }
}

/** `expectsToReceive`'s builder for a push of `type`: `.expectsToReceive('a register push', pushMessage('register'))`. */
export function pushMessage(type: string, options?: PushMessageOptions): (builder: MessageContentBuilder) => void {
  return messageWith(pushMessageBody(type, options))
}
