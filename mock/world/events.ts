/**
 * Typed world-change events: what changed in a tenant's world, with the world's real ids, emitted
 * by mock/world/changes.ts once a change has been made (a refused change emits nothing). Pushes
 * (the next issue) subscribe here; so can tests: `mock.events.on('customer.added', (e) => …)`.
 *
 * The union is the whole plan; today's world emits the customer, relation and world events (the
 * admin API's changes and the customer writes: import-customer, customer/update-by-id,
 * customer-relation/edit-field), `relation.transferred` (customer-transfer), `field.changed`
 * (profile-fields/map), `lead.added` (add-clue, save-highseas, the admin API) and `lead.changed` (clue/edit-field,
 * the admin API); the admin API's lead, follow-up and tag changes emit `lead.converted`, `lead.deleted`,
 * `follow-up.added`, `follow-up.deleted`, `tag.added`, `tag.changed` and `tag.deleted`.
 */
import type { Logger } from '../log.js'

/** What every event carries: the mock clock's time of the change, epoch ms. */
interface EventBase {
  readonly at: number
}

export type WorldEvent = EventBase &
  (
    | { readonly type: 'customer.added'; readonly customerId: number; readonly relationIds: readonly number[] }
    /**
     * `properties`: the properties the change was given (profile values by field key under `fields`).
     * When `tagIds` was given: `tagsAdded` and `tagsRemoved`, the tags the customer gained and lost (ascending).
     * A relation-level change (customer-relation/edit-field): `relationId` and `qwUserId`, the relation edited.
     */
    | {
        readonly type: 'customer.changed'
        readonly customerId: number
        readonly properties: readonly string[]
        readonly tagsAdded?: readonly number[]
        readonly tagsRemoved?: readonly number[]
        readonly relationId?: number
        readonly qwUserId?: string
      }
    | { readonly type: 'customer.deleted'; readonly customerId: number; readonly relationIds: readonly number[] }
    | { readonly type: 'relation.added'; readonly relationId: number; readonly customerId: number; readonly qwUserId: string }
    /** `externalUserId`: the customer's WeCom id as it was (null: none), read before the relation went. */
    | { readonly type: 'relation.deleted'; readonly relationId: number; readonly customerId: number; readonly qwUserId: string; readonly externalUserId: string | null }
    | { readonly type: 'relation.transferred'; readonly relationId: number; readonly customerId: number; readonly from: string; readonly to: string }
    | { readonly type: 'lead.added'; readonly leadId: number }
    /** A lead's (or waiting customer's) own properties changed (clue/edit-field): `properties` the field keys given. */
    | { readonly type: 'lead.changed'; readonly leadId: number; readonly properties: readonly string[] }
    /** A lead became a customer waiting to be assigned (`isClue` false); it keeps its id (`customerId` is `leadId`). */
    | { readonly type: 'lead.converted'; readonly leadId: number; readonly customerId: number }
    /** A lead or waiting customer was deleted, with its follow-up records (`followUpIds`). */
    | { readonly type: 'lead.deleted'; readonly leadId: number; readonly followUpIds: readonly number[] }
    | { readonly type: 'follow-up.added'; readonly followUpId: number; readonly leadId: number }
    | { readonly type: 'follow-up.deleted'; readonly followUpId: number; readonly leadId: number }
    /** A tag was added to group `groupId` (`groupAdded`: the group is new with it). */
    | { readonly type: 'tag.added'; readonly tagId: number; readonly groupId: number; readonly groupAdded: boolean }
    /** `properties`: the properties the change was given (`name`). */
    | { readonly type: 'tag.changed'; readonly tagId: number; readonly properties: readonly string[] }
    /**
     * The tag left the tag tree, and every record's tagIds as it is read (no pass over the world).
     * What it was: `name`, `qwTagId`, its group (`groupId`, `groupName`) and `order`, its 0-based place in the group.
     */
    | { readonly type: 'tag.deleted'; readonly tagId: number; readonly name: string; readonly qwTagId: string; readonly groupId: number; readonly groupName: string; readonly order: number }
    /** A field definition changed: `field` its key (outerField, or its name when it has none); `alias` what profile-fields/map gave it (null: it lost its alias to another field). */
    | { readonly type: 'field.changed'; readonly field: string; readonly fieldId: number; readonly alias: string | null }
    | { readonly type: 'member.added'; readonly qwUserId: string; readonly salesId: number }
    /** `properties`: the properties the change was given. A member who leaves (deleted 1) is `member.deleted`. */
    | { readonly type: 'member.changed'; readonly qwUserId: string; readonly properties: readonly string[] }
    /** The member left (离职: `deleted` 1); it stays in the world with its customers until they are transferred. */
    | { readonly type: 'member.deleted'; readonly qwUserId: string }
    | { readonly type: 'department.added'; readonly departmentId: number }
    | { readonly type: 'department.changed'; readonly departmentId: number; readonly properties: readonly string[] }
    | { readonly type: 'department.deleted'; readonly departmentId: number }
    /** The whole world was replaced (reset, or a fixture loaded): what a subscriber knew is gone. */
    | { readonly type: 'world.replaced'; readonly customers: number; readonly relations: number }
  )

export type WorldEventType = WorldEvent['type']
export type WorldEventOf<T extends WorldEventType> = Extract<WorldEvent, { type: T }>
export type WorldEventListener<T extends WorldEventType = WorldEventType> = (event: WorldEventOf<T>) => void

/** What a subscriber sees of the bus (`mock.events`); each call answers a function that unsubscribes. */
export interface WorldEventSource {
  on<T extends WorldEventType>(type: T, listener: WorldEventListener<T>): () => void
  onAny(listener: WorldEventListener): () => void
}

/**
 * One tenant's event bus. Listeners run synchronously, in subscription order, after the change;
 * a listener that throws is reported on the logger and does not undo the change or stop the others.
 */
export class WorldEvents implements WorldEventSource {
  readonly #byType = new Map<WorldEventType, Set<(event: WorldEvent) => void>>()
  readonly #any = new Set<(event: WorldEvent) => void>()

  constructor(readonly logger?: Logger) {}

  on<T extends WorldEventType>(type: T, listener: WorldEventListener<T>): () => void {
    let set = this.#byType.get(type)
    if (!set) this.#byType.set(type, (set = new Set()))
    const wrapped = listener as (event: WorldEvent) => void
    set.add(wrapped)
    return () => set.delete(wrapped)
  }

  onAny(listener: WorldEventListener): () => void {
    this.#any.add(listener)
    return () => this.#any.delete(listener)
  }

  /** Whether anybody listens (changes skip building events nobody reads). */
  get listened(): boolean {
    return this.#any.size > 0 || [...this.#byType.values()].some((set) => set.size > 0)
  }

  #count = 0

  /** How many changes were made so far (the coverage report tells a sweep during writes by it). */
  get count(): number {
    return this.#count
  }

  emit(event: WorldEvent): void {
    this.#count++
    for (const listener of [...(this.#byType.get(event.type) ?? []), ...this.#any]) {
      try {
        listener(event)
      } catch (error) {
        this.logger?.internal(error, `a listener of ${event.type}`)
      }
    }
  }
}
