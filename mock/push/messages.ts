/**
 * Push message types and their contents (docs/upstream.md §8): which world change causes which
 * push, and the content each type carries, generated from the world (so every id in it resolves
 * through the read endpoints). The delivery (mock/push/delivery.ts) gives each draft its msgId,
 * noise and eventId, encrypts and sends it.
 *
 * STUB (the lead's interface for the helpers): `register` only. The messages helper replaces the
 * body of this file and keeps the exported names and signatures.
 */
import type { MockContext } from '../core/context.js'
import type { WorldEvent } from '../world/events.js'

/** What a push says before delivery numbers it. */
export interface PushDraft {
  readonly type: string
  readonly content: unknown
  /** Whether the type carries a top-level string `eventId` (customer_contact_edit). */
  readonly withEventId?: boolean
}

/** A trigger or a content the fake cannot make: the message names the type or the field. */
export class PushInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'PushInputError'
  }
}

/** Every type the fake can push, documented or chosen. */
export const PUSH_TYPES: readonly string[] = ['register']

/** The pushes a world change causes (none for most): called after the change, the world current. */
export function draftsForEvent(_context: MockContext, _event: WorldEvent): PushDraft[] {
  return []
}

/**
 * A push of `type` generated from the world now, with `given` content fields applied over the
 * generated ones (the trigger). An unknown type, or a given field of the wrong type: PushInputError.
 */
export function generateDraft(_context: MockContext, type: string, given: Record<string, unknown> = {}): PushDraft {
  if (type !== 'register') throw new PushInputError(`unknown push type ${type}; known: ${PUSH_TYPES.join(', ')}`, 'type')
  return { type, content: typeof given.content === 'string' ? given.content : 'hello' }
}
