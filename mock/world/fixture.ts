/**
 * The fixture document: a whole world as data. Version 2 adds what version 1 cannot say (tag groups
 * with their ids, field aliases, departments, staff values, leads with their follow-up records, the
 * world seed); version 1 documents still load (their tag
 * groups are derived, mock/world/tag-groups.ts), and an export is version 1 whenever the world
 * holds nothing only version 2 can say, so exports of such worlds stay as they were. One zod schema gives its type, its
 * runtime check and its documentation; `tanma-mock export` writes it, `--fixtures` serves it.
 *
 * Times are Beijing time `yyyy-MM-dd HH:mm:ss`, as on the wire; a relation's creation time is
 * exact to the nanosecond (`createTime` + `createNanos`), since the cursor carries both.
 */
import { z } from 'zod'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import { WORLD_LIMITS } from './limits.js'
import { tenantConfigSchema } from './tenant-config.js'
import type { FollowUp, Lead } from './leads.js'
import { companySchema, customerTypeSchema, departmentSchema, fieldAliasSchema, fieldDefinitionSchema, memberSchema, profileValueSchema, tagGroupSchema, tagSchema, type Customer } from './schema.js'

/** The newest fixture format; every version from 1 to it loads. */
export const FIXTURE_VERSION = 2
/** The versions a fixture may have. */
export const fixtureVersionSchema = z.union([z.literal(1), z.literal(2)])
export type FixtureVersion = z.output<typeof fixtureVersionSchema>
/** The keys only version 2 has (a version-1 document with one is refused). */
const VERSION_2_KEYS = ['worldSeed', 'tagGroups', 'aliases', 'departments', 'leads', 'followUps'] as const
/** Member properties only version 2 has (the staff directory: get-users, contract/user-department). */
export const VERSION_2_MEMBER_KEYS = ['salesId', 'mobile', 'deleted', 'departmentIds'] as const

const beijingTime = z.string().refine((s) => parseBeijing(s) !== undefined, { message: 'expected a Beijing time yyyy-MM-dd HH:mm:ss' })
const id = z.number().int().positive()

export const fixtureCustomerSchema = z.strictObject({
  customerId: id,
  type: customerTypeSchema,
  /** Profile values in the order they are served. */
  fields: z.array(profileValueSchema),
  tagIds: z.array(id).default([]),
  createTime: beijingTime,
  lastUpdateTime: beijingTime,
  /** The company of an enterprise customer (an id from `companies`), or null. */
  companyId: id.nullable().default(null),
  wechatNickname: z.string().nullable().default(null),
  wechatAvatar: z.string().nullable().default(null),
  wechatLocation: z.string().nullable().default(null),
  convertCustomerTime: beijingTime.nullable().default(null),
  externalUserId: z.string().nullable().default(null),
})

export const fixtureRelationSchema = z.strictObject({
  /** The relation id: the cursor's third number. */
  id,
  customerId: id,
  /** The follower: a member's qwUserId. */
  qwUserId: z.string().min(1),
  createTime: beijingTime,
  /** Nanoseconds within createTime's second: the cursor's second number. */
  createNanos: z.number().int().min(0).max(999_999_999).default(0),
  qwRemark: z.string().nullable().default(null),
  /** Version 2: when the member added the WeCom friend, where it is not createTime (a transfer: customer-transfer). */
  qwCustomerTime: beijingTime.optional(),
})

/** Version 2: a lead (isClue true) or a customer waiting to be assigned (isClue false), nobody following it (mock/world/leads.ts). */
export const fixtureLeadSchema = z.strictObject({
  customerId: id,
  isClue: z.boolean(),
  type: customerTypeSchema,
  fields: z.array(profileValueSchema),
  tagIds: z.array(id).default([]),
  createTime: beijingTime,
  /** Nanoseconds within createTime's second: the cursor's second number. */
  createNanos: z.number().int().min(0).max(999_999_999).default(0),
  lastUpdateTime: beijingTime,
  /** An enterprise lead's company (an id from `companies`), or null. */
  companyId: id.nullable().default(null),
  convertCustomerTime: beijingTime.nullable().default(null),
})

/** Version 2: a follow-up record (跟进记录) of a lead or waiting customer. */
export const fixtureFollowUpSchema = z.strictObject({
  id,
  /** The lead's customerId. */
  customerId: id,
  type: z.union([z.literal(1), z.literal(2)]),
  content: z.string(),
  createTime: beijingTime,
  /** `{"qwUserId":"","name":"API"}` for an OpenAPI write. */
  operator: z.strictObject({ qwUserId: z.string(), name: z.string() }),
})

export const fixtureSchema = z
  .strictObject({
    version: fixtureVersionSchema,
    /** Free text: what this world is for. */
    description: z.string().optional(),
    /**
     * Version 2: the 32-bit world seed (the hash of the `--seed` it was generated with) that what is drawn
     * lazily comes from: WeChat identities' unionIds and mobiles, WeCom follow records, search data.
     * Given, it wins over the seed option, so an export served again answers the same under any seed.
     */
    worldSeed: z.number().int().min(0).max(0xffff_ffff).optional(),
    fieldDefinitions: z.array(fieldDefinitionSchema),
    tags: z.array(tagSchema).default([]),
    /** Version 2: tag groups with their ids and qwTagIds (a group not listed is derived from its tags). */
    tagGroups: z.array(tagGroupSchema).optional(),
    /** Version 2: field aliases (profile-fields/map), one per field. */
    aliases: z.array(fieldAliasSchema).optional(),
    members: z.array(memberSchema).min(1),
    /**
     * The department tree (contract/user-department). Absent: derived from the members' department
     * names under the tenant's root (mock/world/generate/staff.ts), and members' staff values likewise.
     */
    departments: z.array(departmentSchema).optional(),
    companies: z.array(companySchema).default([]),
    customers: z.array(fixtureCustomerSchema),
    relations: z.array(fixtureRelationSchema),
    /** Version 2: leads and customers waiting to be assigned (clue/list-by-create-time-asc). */
    leads: z.array(fixtureLeadSchema).optional(),
    /** Version 2: follow-up records of the leads (clue/list-follow-up). */
    followUps: z.array(fixtureFollowUpSchema).optional(),
  })
  .superRefine((doc, ctx) => {
    const unique = (what: string, ids: (number | string)[]) => {
      const seen = new Set<number | string>()
      for (const value of ids) {
        if (seen.has(value)) ctx.addIssue({ code: 'custom', message: `${what} ${value} appears twice` })
        seen.add(value)
      }
      return seen
    }
    const members = unique('member qwUserId', doc.members.map((m) => m.qwUserId))
    unique('member salesId', doc.members.flatMap((m) => (m.salesId === undefined ? [] : [m.salesId])))
    unique('member mobile', doc.members.flatMap((m) => (m.mobile === undefined ? [] : [m.mobile])))
    const departments = unique('department id', (doc.departments ?? []).map((d) => d.id))
    doc.departments?.forEach((d, i) => {
      if (d.parentId !== null && !departments.has(d.parentId)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'parentId'], message: `no department ${d.parentId}` })
    })
    doc.members.forEach((m, i) => {
      if (m.departmentIds !== undefined) {
        if (!doc.departments) ctx.addIssue({ code: 'custom', path: ['members', i, 'departmentIds'], message: 'departmentIds need a departments list' })
        else m.departmentIds.forEach((d) => departments.has(d) || ctx.addIssue({ code: 'custom', path: ['members', i, 'departmentIds'], message: `no department ${d}` }))
      } else if (doc.departments && !doc.departments.some((d) => d.name === m.department)) {
        ctx.addIssue({ code: 'custom', path: ['members', i, 'department'], message: `no department named ${m.department} (give departmentIds, or a department of that name)` })
      }
    })
    const customers = unique('customerId', doc.customers.map((c) => c.customerId))
    const companies = unique('company id', doc.companies.map((c) => c.id))
    const tags = unique('tag id', doc.tags.map((t) => t.id))
    for (const key of VERSION_2_KEYS) if (doc.version < 2 && doc[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} needs fixture version 2` })
    if (doc.version < 2) {
      doc.members.forEach((m, i) => {
        for (const key of VERSION_2_MEMBER_KEYS) if (m[key] !== undefined) ctx.addIssue({ code: 'custom', path: ['members', i, key], message: `${key} needs fixture version 2` })
      })
      doc.relations.forEach((r, i) => {
        if (r.qwCustomerTime !== undefined) ctx.addIssue({ code: 'custom', path: ['relations', i, 'qwCustomerTime'], message: 'qwCustomerTime needs fixture version 2' })
      })
    }
    const groupIds = unique('tag group id', (doc.tagGroups ?? []).map((g) => g.id))
    unique('tag group name', (doc.tagGroups ?? []).map((g) => g.name))
    for (const id of groupIds) if (tags.has(id as number)) ctx.addIssue({ code: 'custom', path: ['tagGroups'], message: `tag group id ${id} is also a tag's id` })
    const fieldIds = new Set(doc.fieldDefinitions.map((f) => f.id))
    unique('aliased field', (doc.aliases ?? []).map((a) => a.fieldId))
    unique('alias', (doc.aliases ?? []).map((a) => a.alias))
    ;(doc.aliases ?? []).forEach((a, i) => fieldIds.has(a.fieldId) || ctx.addIssue({ code: 'custom', path: ['aliases', i, 'fieldId'], message: `no field ${a.fieldId}` }))
    unique('relation id', doc.relations.map((r) => r.id))
    unique('relation (customerId, qwUserId)', doc.relations.map((r) => `${r.customerId}/${r.qwUserId}`))
    doc.customers.forEach((c, i) => {
      if (c.companyId !== null && !companies.has(c.companyId)) ctx.addIssue({ code: 'custom', path: ['customers', i, 'companyId'], message: `no company ${c.companyId}` })
      if (c.type === 2 && c.companyId === null) ctx.addIssue({ code: 'custom', path: ['customers', i, 'companyId'], message: 'an enterprise customer (type 2) needs a company' })
      c.tagIds.forEach((t) => tags.has(t) || ctx.addIssue({ code: 'custom', path: ['customers', i, 'tagIds'], message: `no tag ${t}` }))
    })
    const leads = unique('lead customerId', (doc.leads ?? []).map((l) => l.customerId))
    unique('follow-up id', (doc.followUps ?? []).map((f) => f.id))
    ;(doc.leads ?? []).forEach((l, i) => {
      if (customers.has(l.customerId)) ctx.addIssue({ code: 'custom', path: ['leads', i, 'customerId'], message: `${l.customerId} is a followed customer's id too` })
      if (l.companyId !== null && !companies.has(l.companyId)) ctx.addIssue({ code: 'custom', path: ['leads', i, 'companyId'], message: `no company ${l.companyId}` })
      if (l.type === 2 && l.companyId === null) ctx.addIssue({ code: 'custom', path: ['leads', i, 'companyId'], message: 'an enterprise lead (type 2) needs a company' })
      l.tagIds.forEach((t) => tags.has(t) || ctx.addIssue({ code: 'custom', path: ['leads', i, 'tagIds'], message: `no tag ${t}` }))
    })
    ;(doc.followUps ?? []).forEach((f, i) => leads.has(f.customerId) || ctx.addIssue({ code: 'custom', path: ['followUps', i, 'customerId'], message: `no lead ${f.customerId}` }))
    doc.relations.forEach((r, i) => {
      if (!customers.has(r.customerId)) ctx.addIssue({ code: 'custom', path: ['relations', i, 'customerId'], message: `no customer ${r.customerId}` })
      if (!members.has(r.qwUserId)) ctx.addIssue({ code: 'custom', path: ['relations', i, 'qwUserId'], message: `no member ${r.qwUserId}` })
    })
  })

export type FixtureDocument = z.output<typeof fixtureSchema>
export type FixtureInput = z.input<typeof fixtureSchema>
export type FixtureCustomer = z.output<typeof fixtureCustomerSchema>
export type FixtureRelation = z.output<typeof fixtureRelationSchema>
export type FixtureLead = z.output<typeof fixtureLeadSchema>
export type FixtureFollowUp = z.output<typeof fixtureFollowUpSchema>

/**
 * A pack may be a recipe instead of records: a generated world, described by its options
 * (`{"version":1,"description":…,"generate":{"seed":"demo","customers":3000,"staff":24}}`).
 * Serving a recipe and serving its export give the same answers.
 */
export const recipeSchema = z.strictObject({
  version: fixtureVersionSchema,
  description: z.string().optional(),
  generate: z.strictObject({
    seed: z.union([z.string(), z.number()]),
    customers: z.number().int().min(0).max(WORLD_LIMITS.customers),
    staff: z.number().int().min(1).max(WORLD_LIMITS.staff),
    from: z.string().optional(),
    until: z.string().optional(),
    /** The tenant's field definitions and tag groups (a calibration's `tenant`), instead of the generator's own. */
    tenant: tenantConfigSchema.optional(),
  }),
})
export type Recipe = z.output<typeof recipeSchema>

export function isRecipe(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'generate' in input
}

/** One line of an NDJSON fixture: the header, or one record. */
export type NdjsonRecord =
  | Pick<FixtureDocument, 'version' | 'worldSeed' | 'fieldDefinitions' | 'tags' | 'members' | 'tagGroups' | 'aliases' | 'departments'>
  | { company: FixtureDocument['companies'][number] }
  | { customer: FixtureCustomer }
  | { relation: FixtureRelation }
  | { lead: FixtureLead }
  | { followUp: FixtureFollowUp }

/** Parses and checks a fixture; the error names every wrong place. */
export function parseFixture(input: unknown, source = 'fixture'): FixtureDocument {
  const result = fixtureSchema.safeParse(input)
  if (!result.success) {
    const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`)
    const more = result.error.issues.length > 10 ? ` (and ${result.error.issues.length - 10} more)` : ''
    throw new Error(`${source} is not a valid fixture: ${issues.join('; ')}${more}`)
  }
  return result.data
}

/**
 * Reads a fixture from JSON text or NDJSON (a header line `{"version":1,…}` or `{"version":2,…}` with the definitions,
 * then one `{"customer":…}`, `{"relation":…}` or `{"company":…}` per line).
 */
export function readFixtureText(text: string, source = 'fixture'): FixtureDocument {
  const trimmed = text.trimStart()
  const newline = trimmed.indexOf('\n')
  let parsed: unknown
  try {
    if (newline > 0 && trimmed.slice(newline).trim() !== '' && isNdjsonHeader(trimmed.slice(0, newline))) {
      const lines = trimmed.split('\n').filter((l) => l.trim() !== '')
      const doc = { ...(JSON.parse(lines[0]!) as Record<string, unknown>), companies: [] as unknown[], customers: [] as unknown[], relations: [] as unknown[] }
      for (const line of lines.slice(1)) {
        const record = JSON.parse(line) as Record<string, unknown>
        if ('customer' in record) doc.customers.push(record.customer)
        else if ('relation' in record) doc.relations.push(record.relation)
        else if ('company' in record) doc.companies.push(record.company)
        else if ('lead' in record) ((doc as { leads?: unknown[] }).leads ??= []).push(record.lead)
        else if ('followUp' in record) ((doc as { followUps?: unknown[] }).followUps ??= []).push(record.followUp)
        else throw new Error(`unknown NDJSON record ${line.slice(0, 60)}`)
      }
      parsed = doc
    } else {
      parsed = JSON.parse(text)
    }
  } catch (error) {
    throw new Error(`${source} is not JSON or NDJSON: ${(error as Error).message}`)
  }
  return parseFixture(parsed, source)
}

function isNdjsonHeader(line: string): boolean {
  try {
    const header = JSON.parse(line) as Record<string, unknown>
    return fixtureVersionSchema.safeParse(header.version).success && !('customers' in header)
  } catch {
    return false
  }
}

/** A world customer as a fixture customer. */
export function fixtureCustomer(customer: Customer): FixtureCustomer {
  return {
    customerId: customer.customerId,
    type: customer.type,
    fields: customer.fields,
    tagIds: customer.tagIds,
    createTime: formatBeijing(customer.createTime),
    lastUpdateTime: formatBeijing(customer.lastUpdateTime),
    companyId: customer.company?.id ?? null,
    wechatNickname: customer.wechatNickname,
    wechatAvatar: customer.wechatAvatar,
    wechatLocation: customer.wechatLocation,
    convertCustomerTime: customer.convertCustomerTime === null ? null : formatBeijing(customer.convertCustomerTime),
    externalUserId: customer.externalUserId,
  }
}

/** A fixture's leads with their follow-up records, as world records (times in epoch seconds). */
export function fixtureLeads(doc: FixtureDocument): { lead: Lead; followUps: FollowUp[] }[] {
  const companies = new Map(doc.companies.map((c) => [c.id, c]))
  // Each lead's records, grouped once (a filter per lead is O(leads × records): minutes at a million customers).
  const recordsOf = new Map<number, FollowUp[]>()
  for (const f of doc.followUps ?? []) {
    const record: FollowUp = { id: f.id, type: f.type, content: f.content, createTime: parseBeijing(f.createTime)!, operator: { ...f.operator } }
    const list = recordsOf.get(f.customerId)
    if (list) list.push(record)
    else recordsOf.set(f.customerId, [record])
  }
  return (doc.leads ?? []).map((l) => ({
    lead: {
      customerId: l.customerId,
      isClue: l.isClue,
      type: l.type,
      fields: l.fields,
      tagIds: l.tagIds,
      createTime: parseBeijing(l.createTime)!,
      createNanos: l.createNanos,
      lastUpdateTime: parseBeijing(l.lastUpdateTime)!,
      company: l.companyId === null ? null : { id: l.companyId, name: companies.get(l.companyId)!.name },
      convertCustomerTime: l.convertCustomerTime === null ? null : parseBeijing(l.convertCustomerTime)!,
    },
    followUps: recordsOf.get(l.customerId) ?? [],
  }))
}

/** A world lead as a fixture lead. */
export function fixtureLead(lead: Lead): FixtureLead {
  return {
    customerId: lead.customerId,
    isClue: lead.isClue,
    type: lead.type,
    fields: lead.fields,
    tagIds: lead.tagIds,
    createTime: formatBeijing(lead.createTime),
    createNanos: lead.createNanos,
    lastUpdateTime: formatBeijing(lead.lastUpdateTime),
    companyId: lead.company?.id ?? null,
    convertCustomerTime: lead.convertCustomerTime === null ? null : formatBeijing(lead.convertCustomerTime),
  }
}

/** A follow-up record of lead `customerId` as a fixture record. */
export function fixtureFollowUp(customerId: number, record: FollowUp): FixtureFollowUp {
  return { id: record.id, customerId, type: record.type, content: record.content, createTime: formatBeijing(record.createTime), operator: { ...record.operator } }
}
