/**
 * The fake as the message provider of consumers' push pacts (verify.ts gives these to the Pact
 * verifier as `messageProviders`). For each asynchronous message interaction the verifier asks for
 * the message; the fake answers the push it would send for that type now, after the interaction's
 * provider state, as the receiver's handler gets it once decrypted: the draft of
 * mock/push/messages.ts `generateDraft(context, type)`, encoded by mock/push/crypto.ts
 * `encodePushMessage` ({type, noise, msgId, [eventId,] content}, the noise an int64 in digits).
 *
 * The type comes from the interaction's own content (`type`, which a push pact pins exactly); for a
 * pact given as a URL (which verify does not read) from the one push type its description names.
 * Deterministic: msgId counts the messages of the run from 1; noise and eventId are derived from the
 * interaction's description, so a run's messages are the same every time (no delivery, no clock,
 * no mock server involved).
 */
import { createHash } from 'node:crypto'
import type { Mock } from '../mock/index.js'
import { encodePushMessage } from '../mock/push/crypto.js'
import { PUSH_TYPES, generateDraft } from '../mock/push/messages.js'

/** A message interaction of a local pact file: its description and the push type its content names. */
export interface PushInteraction {
  readonly description: string
  readonly type: string | undefined
}

type Contents = { content?: unknown; encoded?: unknown }

/** The content's `type`, or undefined (binary contents, a non-object, no `type`). */
function typeOf(content: unknown): string | undefined {
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content)
    } catch {
      return undefined
    }
  }
  const type = content && typeof content === 'object' ? (content as { type?: unknown }).type : undefined
  return typeof type === 'string' ? type : undefined
}

/** The message interactions of a pact: V4 `Asynchronous/Messages` interactions, V3 `messages`. */
export function readPushInteractions(pact: { interactions?: unknown[]; messages?: unknown[] }): PushInteraction[] {
  const v4 = (pact.interactions ?? []) as { type?: string; description?: string; contents?: Contents }[]
  const v3 = (pact.messages ?? []) as { description?: string; contents?: unknown }[]
  return [
    ...v4.filter((i) => i.type === 'Asynchronous/Messages').map((i) => ({ description: String(i.description), type: i.contents?.encoded ? undefined : typeOf(i.contents?.content) })),
    ...v3.map((m) => ({ description: String(m.description), type: typeOf(m.contents) })),
  ]
}

/** A signed 64-bit noise from a text (most are beyond 2^53; half are negative). */
function noiseOf(text: string): bigint {
  return BigInt.asIntN(64, createHash('sha256').update(text, 'utf8').digest().readBigUInt64BE(0))
}

/** What pact-js's message proxy sends back: the text as is, with its content type. */
interface MessageWithMetadata {
  __pactMessageMetadata: Record<string, string>
  message: string
}

/**
 * Message providers for the Pact verifier, by interaction description (any description: pacts
 * from URLs included). A message the fake cannot make (no type in the content, two types under one
 * description, a type the fake does not push) fails that interaction; why goes to `errors`.
 */
export function pushMessageProviders(fake: Mock, interactions: readonly PushInteraction[], errors: string[]): Record<string, (descriptor: { description: string; content?: unknown }) => Promise<MessageWithMetadata>> {
  const typesOf = new Map<string, Set<string | undefined>>()
  for (const { description, type } of interactions) typesOf.set(description, (typesOf.get(description) ?? new Set()).add(type))
  let msgId = 0
  const provide = async (description: string): Promise<MessageWithMetadata> => {
    try {
      const types = [...(typesOf.get(description) ?? [])]
      if (types.length > 1) throw new Error(`the pacts have messages "${description}" of several types (${types.join(', ')}); give each its own description`)
      // A pact from a URL is not read here (the verifier only tells the description): a description naming one push type says which.
      const named = PUSH_TYPES.filter((t) => new RegExp(`(^|[^\\w])${t}($|[^\\w])`).test(description))
      const type = typesOf.has(description) ? types[0] : named.length === 1 ? named[0] : undefined
      if (type === undefined) {
        throw new Error(
          typesOf.has(description)
            ? `"${description}": the message has no "type" to tell which push it is (a push pact pins the decrypted message {type, noise, msgId, content})`
            : `"${description}": not in a local pact file, and the description names ${named.length === 0 ? 'no push type' : `several push types (${named.join(', ')})`}: say which in the description, e.g. "a new_qw_customer push"`,
        )
      }
      const draft = generateDraft(fake.context, type)
      msgId++
      const text = encodePushMessage({
        type: draft.type,
        noise: noiseOf(`${description}\n${msgId}`),
        msgId,
        ...(draft.withEventId ? { eventId: createHash('sha256').update(`eventId\n${description}`).digest('hex').slice(0, 32) } : {}),
        content: draft.content,
      })
      return { __pactMessageMetadata: { contentType: 'application/json' }, message: text }
    } catch (error) {
      const why = (error as Error).message
      errors.push(why.startsWith(`"${description}"`) ? why : `"${description}": ${why}`)
      throw error
    }
  }
  return new Proxy({} as Record<string, (descriptor: { description: string }) => Promise<MessageWithMetadata>>, {
    get: (_target, name) => (typeof name !== 'string' || name === 'toJSON' || name === 'then' ? undefined : () => provide(name)),
  })
}
