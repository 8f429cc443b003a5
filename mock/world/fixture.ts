/**
 * The fixture document: a whole world as data (version 1). One zod schema gives its type, its
 * runtime check and its documentation; `tanma-mock export` writes it, `--fixtures` serves it.
 *
 * Times are Beijing time `yyyy-MM-dd HH:mm:ss`, as on the wire; a relation's creation time is
 * exact to the nanosecond (`createTime` + `createNanos`), since the cursor carries both.
 */
import { z } from 'zod'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import { WORLD_LIMITS } from './limits.js'
import { companySchema, customerTypeSchema, departmentSchema, fieldDefinitionSchema, memberSchema, profileValueSchema, tagSchema, type Customer } from './schema.js'

export const FIXTURE_VERSION = 1

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
})

export const fixtureSchema = z
  .strictObject({
    version: z.literal(FIXTURE_VERSION),
    /** Free text: what this world is for. */
    description: z.string().optional(),
    fieldDefinitions: z.array(fieldDefinitionSchema),
    tags: z.array(tagSchema).default([]),
    members: z.array(memberSchema).min(1),
    /**
     * The department tree (contract/user-department). Absent: derived from the members' department
     * names under the tenant's root (mock/world/generate/staff.ts), and members' staff values likewise.
     */
    departments: z.array(departmentSchema).optional(),
    companies: z.array(companySchema).default([]),
    customers: z.array(fixtureCustomerSchema),
    relations: z.array(fixtureRelationSchema),
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
    unique('relation id', doc.relations.map((r) => r.id))
    unique('relation (customerId, qwUserId)', doc.relations.map((r) => `${r.customerId}/${r.qwUserId}`))
    doc.customers.forEach((c, i) => {
      if (c.companyId !== null && !companies.has(c.companyId)) ctx.addIssue({ code: 'custom', path: ['customers', i, 'companyId'], message: `no company ${c.companyId}` })
      if (c.type === 2 && c.companyId === null) ctx.addIssue({ code: 'custom', path: ['customers', i, 'companyId'], message: 'an enterprise customer (type 2) needs a company' })
      c.tagIds.forEach((t) => tags.has(t) || ctx.addIssue({ code: 'custom', path: ['customers', i, 'tagIds'], message: `no tag ${t}` }))
    })
    doc.relations.forEach((r, i) => {
      if (!customers.has(r.customerId)) ctx.addIssue({ code: 'custom', path: ['relations', i, 'customerId'], message: `no customer ${r.customerId}` })
      if (!members.has(r.qwUserId)) ctx.addIssue({ code: 'custom', path: ['relations', i, 'qwUserId'], message: `no member ${r.qwUserId}` })
    })
  })

export type FixtureDocument = z.output<typeof fixtureSchema>
export type FixtureInput = z.input<typeof fixtureSchema>
export type FixtureCustomer = z.output<typeof fixtureCustomerSchema>
export type FixtureRelation = z.output<typeof fixtureRelationSchema>

/**
 * A pack may be a recipe instead of records: a generated world, described by its options
 * (`{"version":1,"description":…,"generate":{"seed":"demo","customers":3000,"staff":24}}`).
 * Serving a recipe and serving its export give the same answers.
 */
export const recipeSchema = z.strictObject({
  version: z.literal(FIXTURE_VERSION),
  description: z.string().optional(),
  generate: z.strictObject({
    seed: z.union([z.string(), z.number()]),
    customers: z.number().int().min(0).max(WORLD_LIMITS.customers),
    staff: z.number().int().min(1).max(WORLD_LIMITS.staff),
    from: z.string().optional(),
    until: z.string().optional(),
  }),
})
export type Recipe = z.output<typeof recipeSchema>

export function isRecipe(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'generate' in input
}

/** One line of an NDJSON fixture: the header, or one record. */
export type NdjsonRecord =
  | Pick<FixtureDocument, 'version' | 'fieldDefinitions' | 'tags' | 'members' | 'departments'>
  | { company: FixtureDocument['companies'][number] }
  | { customer: FixtureCustomer }
  | { relation: FixtureRelation }

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
 * Reads a fixture from JSON text or NDJSON (a header line `{"version":1,…}` with the definitions,
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
    return header.version === FIXTURE_VERSION && !('customers' in header)
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
