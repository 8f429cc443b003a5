/**
 * The admin API as functions (`mock.admin.addCustomer(…)`, no HTTP needed); mock/admin/routes.ts
 * serves the same under `/__mock`. Inputs are checked against mock/admin/schemas.ts, and changes
 * to the world go through mock/world/changes.ts (which emits their events).
 */
import type { z } from 'zod'
import type { MockContext } from '../core/context.js'
import type { JournalEntry } from '../journal.js'
import { fixturePacks, PACKAGE_VERSION } from '../package-files.js'
import { clip } from '../preview.js'
import { FAULT_PRESETS, faultPreset } from '../console/fault-presets.js'
import { FaultDefinitionError, type FaultRule, type Faults } from '../faults.js'
import type { FixtureCustomer, FixtureDocument, FixtureInput, Recipe } from '../world/fixture.js'
import { isRecipe } from '../world/fixture.js'
import { ChangeRefused, worldChanges } from '../world/changes.js'
import type { World } from '../world/world.js'
import { parseBeijing } from '../protocol/time.js'
import { ClockRangeError, type ClockState } from '../clock.js'
import { clockSchema, customerPatchSchema, newCustomerSchema, newRelationSchema, relationPatchSchema, type ClockChange, type CustomerPatch, type NewCustomer, type NewRelation, type RelationPatch } from './schemas.js'
import { departmentPatchSchema, memberPatchSchema, newDepartmentSchema, newMemberSchema, type DepartmentChange, type MemberPatch, type NewDepartment, type NewMember } from './schemas.js'
import type { StaffMember } from '../world/changes.js'
import type { Department } from '../world/schema.js'
import type { TagRecord } from '../world/changes.js'
import { leadItem } from '../endpoints/clue/list-by-create-time-asc.js'
import { followUpItem } from '../endpoints/clue/list-follow-up.js'
import { faultPresetChangeSchema } from './schemas.js'
import { leadPatchSchema, newFollowUpSchema, newLeadSchema, newTagSchema, tagPatchSchema, type LeadPatch, type NewFollowUp, type NewLead, type NewTag, type TagPatch } from './schemas.js'

export { clockSchema, customerPatchSchema, newCustomerSchema, newRelationSchema, relationPatchSchema, type ClockChange, type CustomerPatch, type NewCustomer, type NewRelation, type RelationPatch } from './schemas.js'
export { departmentPatchSchema, memberPatchSchema, newDepartmentSchema, newMemberSchema, type DepartmentChange, type MemberPatch, type NewDepartment, type NewMember } from './schemas.js'
export { leadPatchSchema, newFollowUpSchema, newLeadSchema, newTagSchema, tagPatchSchema, type LeadPatch, type NewFollowUp, type NewLead, type NewTag, type TagPatch } from './schemas.js'

/** A wrong admin request: its HTTP status and what is wrong. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: string[],
  ) {
    super(message)
  }
}

function check<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input)
  if (!result.success) throw refused(what, ...result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`))
  return result.data
}

/** A 400 naming what is wrong, in the message (in-process) and as issues (over HTTP). */
function refused(what: string, ...issues: string[]): AdminError {
  return new AdminError(400, `invalid ${what}: ${issues.join('; ')}`, issues)
}

const STATUS_OF = { invalid: 400, missing: 404, conflict: 409, busy: 409 } as const

/** A refused world change as the admin API's error (anything else as it is). */
const asAdminError = (error: unknown) => (error instanceof ChangeRefused ? new AdminError(STATUS_OF[error.reason], error.message, error.issues) : error)

/** A world change; its refusal as the admin API's error. */
function changing<T>(apply: () => T): T {
  try {
    return apply()
  } catch (error) {
    throw asAdminError(error)
  }
}

export interface AdminFunctions {
  /** Counts of the world being served; `loading` while another world is being built to replace it. */
  health(): { status: 'ok'; version: string; customers: number; relations: number; members: number; loading: boolean; clock: ClockState }
  /** Back to the starting world (the clock and the journal are left as they are). */
  reset(): Promise<void>
  exportWorld(): FixtureDocument
  /** Replaces the world with a fixture: a document, a recipe (`{version, generate: {seed, customers, staff}}`), or a file path or pack name. */
  loadWorld(fixture: FixtureInput | Recipe | string): Promise<void>
  addCustomer(input: NewCustomer): { customerId: number; relationIds: number[]; customer: FixtureCustomer }
  updateCustomer(customerId: number, patch: CustomerPatch): FixtureCustomer
  deleteCustomer(customerId: number): void
  addRelation(input: NewRelation): { relationId: number }
  /** The member's remark on the customer (as customer-relation/edit-field sets it: the same event, the same push). */
  updateRelation(relationId: number, patch: RelationPatch): { relationId: number; customerId: number; qwUserId: string; qwRemark: string | null }
  deleteRelation(relationId: number): void
  /** A new member (salesId, mobile derived when absent; main department by name or departmentIds, default the root); answers it with every staff value. */
  addMember(input: NewMember): StaffMember
  updateMember(qwUserId: string, patch: MemberPatch): StaffMember
  /** The member leaves (离职): `deleted` becomes 1; its customers stay with it. */
  deleteMember(qwUserId: string): StaffMember
  addDepartment(input: NewDepartment): Department
  updateDepartment(departmentId: number, patch: DepartmentChange): Department
  /** Refused (409) while the department has sub-departments or members. */
  deleteDepartment(departmentId: number): void
  /** A lead or waiting customer; answers it as clue/list-by-create-time-asc lists it. A mobile a customer or lead has: 409. */
  addLead(input: NewLead): Record<string, unknown>
  /** Values (merged), tags (replaced), company name; `isClue: false` converts a lead (a waiting customer never becomes a lead again: 409). */
  updateLead(customerId: number, patch: LeadPatch): Record<string, unknown>
  /** Deletes a lead or waiting customer with its follow-up records. */
  deleteLead(customerId: number): void
  /** A follow-up record of a lead; answers it as clue/list-follow-up lists it. */
  addFollowUp(customerId: number, input: NewFollowUp): Record<string, unknown>
  deleteFollowUp(followUpId: number): void
  /** A tag in a group by id, or by name (a new group when none has it). */
  addTag(input: NewTag): TagRecord
  updateTag(tagId: number, patch: TagPatch): TagRecord
  /** The tag leaves the tag tree and every record's tagIds at once (records drop it as they are read: no pass over the world). */
  deleteTag(tagId: number): void
  requests(): readonly JournalEntry[]
  clearRequests(): void
  setClock(change: ClockChange): ClockState
  /** The fault rules in force, with the calls each has seen and hit. */
  faults(): ReturnType<Faults['list']>
  /** Replaces the fault rules (`[...]` or `{rules: [...]}`; counts restart); a wrong rule is a 400 naming its field. */
  setFaults(rules: unknown): FaultRule[]
  clearFaults(): void
  /** Turns a common fault on or off (`{on: true|false}`, mock/console/fault-presets.ts), the other rules in force kept with their counts; answers the rules. */
  setFaultPreset(id: string, change: unknown): ReturnType<Faults['list']>
  /** The packs in fixtures/ by name. */
  packs(): string[]
  /** Replaces the world with a pack of fixtures/ (by name only: never a path). */
  loadPack(name: string): Promise<void>
}

/**
 * The admin functions over a mock's context. `rebuild` makes the starting world again (reset), and
 * `fromFixture` loads a fixture as a world.
 */
export function createAdmin(context: MockContext, rebuild: () => Promise<World>, fromFixture: (f: FixtureInput | Recipe | string) => Promise<World>): AdminFunctions {
  const changes = worldChanges(context)

  /** A document or recipe over the admin load cap is refused before anything is built. */
  const checkSize = (fixture: unknown) => {
    if (typeof fixture !== 'object' || fixture === null) return // a file or pack name: the user's own
    const asked = isRecipe(fixture) ? (fixture as { generate?: { customers?: unknown } }).generate?.customers : (fixture as { customers?: unknown }).customers
    const count = Array.isArray(asked) ? asked.length : asked
    const cap = context.options.adminMaxCustomers
    if (typeof count === 'number' && count > cap) {
      throw new AdminError(413, `the world asked for has ${count} customers; the admin API loads at most ${cap} (option adminMaxCustomers, flag --admin-max-customers; larger worlds: start the fake with --customers or --fixtures)`)
    }
  }

  const admin: AdminFunctions = {
    health() {
      const { world, clock } = context
      return { status: 'ok', version: PACKAGE_VERSION, customers: world.liveCustomerCount, relations: world.relationCount, members: world.memberList.length, loading: changes.loading, clock: clock.state() }
    },

    async reset() {
      await changes.replaceWorld(rebuild).catch((error: unknown) => Promise.reject(asAdminError(error)))
    },

    exportWorld() {
      return context.world.toFixture()
    },

    async loadWorld(fixture) {
      checkSize(fixture)
      await changes
        .replaceWorld(async () => {
          try {
            return await fromFixture(fixture)
          } catch (error) {
            throw new AdminError(400, (error as Error).message)
          }
        })
        .catch((error: unknown) => Promise.reject(asAdminError(error)))
    },

    addCustomer(raw) {
      const input = check(newCustomerSchema, raw, 'customer')
      return changing(() => changes.addCustomer(input))
    },

    updateCustomer(customerId, raw) {
      const patch = check(customerPatchSchema, raw, 'customer patch')
      return changing(() => changes.updateCustomer(customerId, patch))
    },

    deleteCustomer(customerId) {
      changing(() => changes.deleteCustomer(customerId))
    },

    addRelation(raw) {
      const input = check(newRelationSchema, raw, 'relation')
      return changing(() => changes.addRelation(input))
    },

    updateRelation(relationId, raw) {
      const { qwRemark } = check(relationPatchSchema, raw, 'relation patch')
      const world = context.world
      const slot = world.relationSlot(relationId)
      if (slot === undefined) throw new AdminError(404, `no relation ${relationId}`)
      const customerId = world.customerIdAt(world.relations.customer[slot]!)
      const qwUserId = world.memberList[world.relations.member[slot]!]!.qwUserId
      changing(() => changes.editRelationField(customerId, qwUserId, null, qwRemark))
      return { relationId, customerId, qwUserId, qwRemark }
    },

    deleteRelation(relationId) {
      changing(() => changes.deleteRelation(relationId))
    },

    addMember(raw) {
      const input = check(newMemberSchema, raw, 'member')
      return changing(() => changes.addMember(input))
    },

    updateMember(qwUserId, raw) {
      const patch = check(memberPatchSchema, raw, 'member patch')
      return changing(() => changes.updateMember(qwUserId, patch))
    },

    deleteMember(qwUserId) {
      return changing(() => changes.deleteMember(qwUserId))
    },

    addDepartment(raw) {
      const input = check(newDepartmentSchema, raw, 'department')
      return changing(() => changes.addDepartment(input))
    },

    updateDepartment(departmentId, raw) {
      const patch = check(departmentPatchSchema, raw, 'department patch')
      return changing(() => changes.updateDepartment(departmentId, patch))
    },

    deleteDepartment(departmentId) {
      changing(() => changes.deleteDepartment(departmentId))
    },

    addLead(raw) {
      const input = check(newLeadSchema, raw, 'lead')
      const { index } = changing(() => changes.createLead(input))
      return leadItem(context.world.leads(), index)
    },

    updateLead(customerId, raw) {
      const patch = check(leadPatchSchema, raw, 'lead patch')
      const { index } = changing(() => changes.updateLead(customerId, patch))
      return leadItem(context.world.leads(), index)
    },

    deleteLead(customerId) {
      changing(() => changes.deleteLead(customerId))
    },

    addFollowUp(customerId, raw) {
      const input = check(newFollowUpSchema, raw, 'follow-up')
      return followUpItem(changing(() => changes.addFollowUp(customerId, input)))
    },

    deleteFollowUp(followUpId) {
      changing(() => changes.deleteFollowUp(followUpId))
    },

    addTag(raw) {
      const input = check(newTagSchema, raw, 'tag')
      return changing(() => changes.addTag(input))
    },

    updateTag(tagId, raw) {
      const patch = check(tagPatchSchema, raw, 'tag patch')
      return changing(() => changes.updateTag(tagId, patch))
    },

    deleteTag(tagId) {
      changing(() => changes.deleteTag(tagId))
    },

    requests() {
      return context.journal.list()
    },

    clearRequests() {
      context.journal.clear()
    },

    faults() {
      return context.faults.list()
    },

    setFaults(rules) {
      try {
        return context.faults.set(rules)
      } catch (error) {
        if (error instanceof FaultDefinitionError) throw new AdminError(400, error.message, error.issues.length > 0 ? error.issues : undefined)
        throw error
      }
    },

    clearFaults() {
      context.faults.set([])
    },

    setFaultPreset(id, raw) {
      const preset = faultPreset(id)
      if (!preset) throw new AdminError(404, `no fault preset ${clip(id, 60)} (known: ${FAULT_PRESETS.map((p) => p.id).join(', ')})`)
      const { on } = check(faultPresetChangeSchema, raw, 'fault preset change')
      context.faults.toggle(preset, on)
      return context.faults.list()
    },

    packs() {
      return fixturePacks()
    },

    async loadPack(name) {
      if (!fixturePacks().includes(name)) throw new AdminError(404, `no pack ${clip(name, 60)} (known: ${fixturePacks().join(', ')})`)
      await admin.loadWorld(name)
    },

    setClock(raw) {
      const change = check(clockSchema, raw, 'clock change')
      const set = change.set === undefined ? undefined : typeof change.set === 'number' ? change.set : parseBeijing(change.set)! * 1000
      try {
        // The whole change or none of it: a step that would leave the range refuses it all.
        context.clock.apply({ ...change, set })
      } catch (error) {
        if (error instanceof ClockRangeError) throw refused('clock change', error.message)
        throw error
      }
      return context.clock.state()
    },
  }
  return admin
}
