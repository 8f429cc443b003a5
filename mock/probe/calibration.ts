/**
 * calibration.json: what `tanma-mock probe` measured of a tenant (docs/probe.md). Its `settings` are
 * createMock's own options (mockOptionsSchema), so `serve --calibration` applies them as they are;
 * the rest is the evidence, the drift report and the tenant's configuration. Nothing personal: no
 * customer names, mobiles, WeChat ids or remarks (mock/probe/redact.ts).
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { mockOptionsSchema, type MockOptions } from '../options.js'
import { tenantConfigSchema } from '../world/tenant-config.js'

/** The switches the probe measures, in the report's order. */
export const MEASURED_SWITCHES = [
  'echoData', 'signCase', 'skewMs', 'sizeDefault', 'sizeMax', 'oversize', 'endCursor', 'invertedWindow', 'unknownMember',
  'nulls', 'types', 'strictBody', 'httpStatus', 'successMessage', 'qwUserIdListDrops', 'qwDetailsExtra', 'searchLeads',
] as const satisfies readonly (keyof typeof mockOptionsSchema.shape)[]
export type MeasuredSwitch = (typeof MEASURED_SWITCHES)[number]

const shape = mockOptionsSchema.shape

/** An option's schema without its default: a calibration holds only what was measured. */
function withoutDefault(schema: z.ZodType): z.ZodType {
  let s = schema
  while (s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType
  return s
}

export const calibrationSettingsSchema = z.strictObject({
  ...(Object.fromEntries(MEASURED_SWITCHES.map((key) => [key, withoutDefault(shape[key]).optional()])) as { [K in MeasuredSwitch]: z.ZodOptional<z.ZodType<z.output<(typeof shape)[K]>>> }),
  errors: withoutDefault(shape.errors).optional() as z.ZodOptional<z.ZodType<z.output<typeof shape.errors>>>,
})

const evidenceSchema = z.strictObject({
  /** The step's key in the plan (`skew.behind.3`). */
  step: z.string(),
  method: z.string(),
  path: z.string(),
  /** The body sent, with identifying values replaced by `<redacted>`. */
  body: z.unknown().optional(),
  /** What was done to the request: `timestamp −60000 ms`, `sign upper-case`, … */
  note: z.string().optional(),
  status: z.number().int(),
  code: z.number().int().nullable(),
  message: z.string().nullable(),
  ms: z.number(),
  at: z.string(),
})
export type Evidence = z.infer<typeof evidenceSchema>

export const findingSchema = z.strictObject({
  id: z.string(),
  behaviour: z.string(),
  /** The option it sets (`skewMs`, `errors.badSignature`), or null for what only the report shows. */
  switch: z.string().nullable(),
  fakeDefault: z.unknown(),
  /** undefined: not measured (see note). */
  measured: z.unknown().optional(),
  note: z.string().optional(),
  evidence: z.array(evidenceSchema),
})
export type Finding = z.infer<typeof findingSchema>

export const driftEntrySchema = z.strictObject({
  endpoint: z.string(),
  path: z.string(),
  kind: z.enum(['missing', 'extra', 'retyped', 'nullable', 'invalid']),
  expected: z.string(),
  got: z.string(),
})

export { tenantConfigSchema, type TenantConfig } from '../world/tenant-config.js'

export const calibrationSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    tool: z.string().describe('the tanma-mock version that measured it'),
    measuredAt: z.string().describe('when the probe finished, ISO 8601'),
    baseUrl: z.string().describe("the probed base URL's origin and path"),
    requests: z.number().int().describe('requests made, retries included'),
    settings: calibrationSettingsSchema.describe('createMock options as measured: serve --calibration applies them'),
    clock: z.strictObject({ offsetMs: z.number().optional(), behindMs: z.number().optional(), aheadMs: z.number().optional() }).describe("the skew window each way and the server clock's offset from the prober's"),
    messages: z.record(z.string(), z.string()).describe('success message by endpoint path'),
    idLayout: z.record(z.string(), z.boolean()).describe('whether ids of each kind follow the id layout (ms since 2015-01-01 UTC+8 << 11 | 64)'),
    findings: z.array(findingSchema),
    drift: z.array(driftEntrySchema).describe('where answers differ from the documented shapes (paths and kinds, never values)'),
    tenant: tenantConfigSchema.describe("the tenant's configuration: field definitions with option names, tag groups, member and department counts"),
    kept: z.array(z.string()).describe('what of the tenant this file holds, in words'),
  })
  .describe('tanma-mock calibration: what `tanma-mock probe` measured of a real tenant (docs/probe.md)')
export type Calibration = z.infer<typeof calibrationSchema>

/** The calibration's JSON Schema (schema/calibration.schema.json). */
export const calibrationJsonSchema = (): object => z.toJSONSchema(calibrationSchema, { io: 'input', unrepresentable: 'any' })

/** A calibration file, checked; throws an Error that names the file and what is wrong. */
export function readCalibration(path: string): Calibration {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`cannot read calibration ${path}: ${(error as Error).message}`)
  }
  const parsed = calibrationSchema.safeParse(json)
  if (!parsed.success) throw new Error(`${path} is not a calibration: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`)
  return parsed.data
}

/** Whether a calibration holds field definitions or tag groups for a generated world. */
export const hasTenantCatalog = (calibration: Calibration): boolean => calibration.tenant.fields !== undefined || calibration.tenant.tagGroups !== undefined

/** createMock options a calibration sets (its settings, and the tenant's configuration for a generated world); `given` (flags, the config file) wins over it. */
export function calibratedOptions(calibration: Calibration, given: Record<string, unknown> = {}): Record<string, unknown> {
  const { errors, ...settings } = calibration.settings
  const out: Record<string, unknown> = { ...settings, ...(hasTenantCatalog(calibration) ? { tenant: calibration.tenant } : {}), ...given }
  if (errors || given.errors) out.errors = { ...(errors ?? {}), ...((given.errors as object | undefined) ?? {}) }
  return out as MockOptions as Record<string, unknown>
}
