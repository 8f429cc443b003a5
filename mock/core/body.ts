/**
 * A request body checked against an endpoint's one request schema (a zod object, or an array of
 * them for a JSON-array body): the object's keys are the known properties. `null` properties are absent (or refused, `--nulls error`); unknown properties
 * are ignored, as a Jackson service configured not to fail on them does, but noted in the journal
 * and the trace — or refused (`--strict-body`), naming them and the known ones.
 */
import { z } from 'zod'
import type { Logger } from '../log.js'
import type { ResolvedOptions } from '../options.js'
import { clip } from '../preview.js'
import { UpstreamError } from '../protocol/errors.js'
import type { PageNote } from '../journal.js'

/** Unknown property names kept per request (in the journal, the trace and the message). */
export const UNKNOWN_NOTED = 10
/** Characters of an unknown property's name that are kept. */
const NAME_CHARS = 40

const knownOf = new WeakMap<z.ZodObject, { readonly keys: readonly string[]; readonly set: ReadonlySet<string>; readonly list: string }>()

/** The properties a request schema knows, in its order. */
export function knownProperties(schema: z.ZodObject): readonly string[] {
  return Object.keys(schema.shape)
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)

/**
 * The body, checked: the schema's output, or the upstream's validation error naming the first thing
 * wrong. An array schema takes a JSON array and checks each element as an object.
 */
export function checkRequest<S extends z.ZodObject | z.ZodArray<z.ZodObject>>(schema: S, options: ResolvedOptions, body: unknown, note: PageNote, log: Logger): z.output<S> {
  let input: unknown
  if (schema instanceof z.ZodArray) {
    if (!Array.isArray(body)) throw new UpstreamError('validation', `请求体应为 JSON 数组（收到 ${describe(body)}）`)
    input = body.map((element: unknown) => (isObject(element) ? knownOnly(schema.element, options, element, note, log) : element))
  } else {
    if (!isObject(body)) throw new UpstreamError('validation', `请求体应为 JSON 对象（收到 ${describe(body)}）`)
    input = knownOnly(schema as z.ZodObject, options, body, note, log)
  }
  const result = schema.safeParse(input)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const field = issue.path[schema instanceof z.ZodArray ? 1 : 0]
    if (typeof field === 'string') note.field = field
    throw new UpstreamError('validation', issue.message)
  }
  return result.data as z.output<S>
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A JSON value's kind, as the validation messages name it. */
export const describe = (value: unknown): string => (Array.isArray(value) ? '数组' : value === null ? 'null' : typeof value)

/**
 * The known properties of an object body, nulls dropped (or refused): only they reach the schema,
 * so a body of many unknown ones costs no more than noting the first few.
 */
function knownOnly(schema: z.ZodObject, options: ResolvedOptions, body: Record<string, unknown>, note: PageNote, log: Logger): Record<string, unknown> {
  let known = knownOf.get(schema)
  if (!known) {
    const keys = knownProperties(schema)
    knownOf.set(schema, (known = { keys, set: new Set(keys), list: keys.join(', ') }))
  }
  let unknown: string[] | undefined
  for (const key in body) {
    if (known.set.has(key) || !hasOwn(body, key)) continue
    ;(unknown ??= []).push(clip(key, NAME_CHARS))
    if (unknown.length > UNKNOWN_NOTED) break
  }
  if (unknown) {
    const more = unknown.length > UNKNOWN_NOTED
    if (more) unknown.length = UNKNOWN_NOTED
    note.unknownProperties = unknown
    const names = `${unknown.join(', ')}${more ? ', …' : ''}`
    if (options.strictBody) throw new UpstreamError('validation', `不支持的请求参数 ${names}（可用：${known.list}）`)
    if (log.enabled) log.log('body', `unknown propert${unknown.length > 1 ? 'ies' : 'y'} ${names} ignored (known: ${known.list})`)
  }
  const input: Record<string, unknown> = {}
  for (const key of known.keys) {
    if (!hasOwn(body, key)) continue
    const value = body[key]
    if (value === null) {
      if (options.nulls === 'error') {
        note.field = key
        throw new UpstreamError('validation', `${key} 不能为 null`)
      }
      continue
    }
    input[key] = value
  }
  return input
}
