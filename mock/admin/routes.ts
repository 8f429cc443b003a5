/**
 * The admin API over HTTP: `/__mock/…` (or `/__mock/tenants/<appId>/…` for one tenant of several),
 * one msw handler, in-process and standalone alike. Answers are plain JSON, not the upstream's
 * envelope: `{ "error": "…", "issues": […] }` with a 4xx status when the input is wrong.
 */
import { http, type HttpHandler } from 'msw'
import type { MockContext } from '../core/context.js'
import { requestBytes, respond } from '../host-channel.js'
import { newRequestId, REQUEST_ID_HEADER } from '../log.js'
import { clip } from '../preview.js'
import type { FixtureInput, Recipe } from '../world/fixture.js'
import { PushStateError } from '../push/delivery.js'
import { PushInputError } from '../push/messages.js'
import { parseBeijing } from '../protocol/time.js'
import { AdminError, type AdminFunctions } from './functions.js'
import { coverageReport } from '../coverage/report.js'
import { journalExport } from '../coverage/journal-export.js'
import { adminPathPattern, guardAdmin, STREAM_ROUTE } from './guard.js'
import { streamResponse } from './stream.js'
import { worldQuery } from '../world/query.js'
import { customerPage, membersByDepartment } from '../console/view.js'
import { customerFacets, customerQueryOf, leadPage, PAGE_LIMIT, PAGE_SIZE, searchCustomers, searchLeads, worldAggregates } from '../console/queries.js'
import { consoleAsset, CONSOLE_ROUTE } from '../console/assets.js'
import { FAULT_PRESETS } from '../console/fault-presets.js'
import { DETAIL_CAPACITY } from '../journal.js'
import type { ClockChange, CustomerPatch, DepartmentChange, LeadPatch, MemberPatch, NewCustomer, NewDepartment, NewFollowUp, NewLead, NewMember, NewRelation, NewTag, RelationPatch, TagPatch } from './schemas.js'

/** A fixture sent over HTTP: a document or a recipe, never a path to read on the server. */
function fixtureBody(input: unknown): FixtureInput | Recipe {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AdminError(400, 'expected a fixture document or a recipe (a JSON object)')
  return input as FixtureInput | Recipe
}

/** An id in a route (`/customers/<id>`). */
function id(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n <= 0) throw new AdminError(400, `not an id: ${text}`)
  return n
}

/** `?<name>=`: a whole number from `min` to `max`, `fallback` when absent. */
function wholeOf(url: URL, name: string, min: number, max: number, fallback: number): number {
  const text = url.searchParams.get(name)
  if (text === null || text === '') return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new AdminError(400, `${name}: expected an integer from ${min} to ${max} (got ${clip(text, 20)})`, [`${name}: expected an integer from ${min} to ${max}`])
  return n
}

/** A text segment of a route (`/members/<qwUserId>`), percent-decoded. */
function segment(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new AdminError(400, `not a well-formed path segment: ${clip(text, 60)}`)
  }
}

/** A journal entry whose detail is gone: 404. */
function notKept(seq: string): never {
  throw new AdminError(404, `request ${clip(seq, 20)} is not in the journal, or older than the last ${DETAIL_CAPACITY} requests (whose headers, body and answer are kept)`)
}

/** The common faults with whether each is in force. */
const faultPresets = (admin: AdminFunctions) => {
  const inForce = new Set(admin.faults().map((r) => r.id))
  return { presets: FAULT_PRESETS.map((p) => ({ ...p, on: inForce.has(p.id) })) }
}

/** What a route answers: a status and a JSON body. */
type Answer = readonly [status: number, body: unknown]
/** A route: its method, its path pattern, and what it does with the match, the request body and the request (a JSON answer, or a Response of its own: the live stream). */
type Route = readonly [method: string, pattern: RegExp, run: (match: RegExpMatchArray, body: () => Promise<unknown>, url: URL, request: Request) => Promise<Answer | Response>]

/** A push request's body: `{type, content?}` (trigger), `{since}` (redeliver). */
function pushBody(input: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new PushInputError('expected a JSON object', '')
  const unknown = Object.keys(input).find((k) => !keys.includes(k))
  if (unknown !== undefined) throw new PushInputError(`unknown property ${clip(unknown, 60)} (known: ${keys.join(', ')})`, unknown)
  return input as Record<string, unknown>
}

/** `since`: epoch ms, or a Beijing time yyyy-MM-dd HH:mm:ss. */
function sinceOf(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  const sec = typeof value === 'string' ? parseBeijing(value) : undefined
  if (sec === undefined) throw new PushInputError('since: expected epoch ms or a Beijing time yyyy-MM-dd HH:mm:ss', 'since')
  return sec * 1000
}

/** A push route: a refused input as `{error, issues: [{path, message}]}` (400), a state it cannot act in as its status. */
async function pushing(run: () => Promise<Answer>): Promise<Answer> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof PushInputError) return [400, { error: error.message, issues: [{ path: error.field ?? '', message: error.message }] }]
    if (error instanceof PushStateError) return [error.status, { error: error.message }]
    throw error
  }
}

/** The admin routes of one scope, built once per handler. */
function adminRoutes(context: MockContext, admin: AdminFunctions, tenants: readonly { context: MockContext }[], requestId: (request: Request) => string): readonly Route[] {
  const scopeContexts = tenants.length > 0 ? tenants.map((t) => t.context) : [context]
  const world = worldQuery(() => context.world)
  return [
    // The live stream (server-sent events, mock/admin/stream.ts): requests, pushes, world changes, clock.
    ['GET', new RegExp(`^${STREAM_ROUTE}$`), async (_, __, ___, request) => streamResponse(context, request, { [REQUEST_ID_HEADER]: requestId(request) })],
    ['GET', /^\/live$/, async () => [200, { status: 'ok' }]],
    ['GET', /^\/health$/, async () => [200, admin.health()]],
    ['POST', /^\/reset$/, async () => (await admin.reset(), [200, admin.health()])],
    ['GET', /^\/world$/, async () => [200, admin.exportWorld()]],
    ['POST', /^\/world$/, async (_, body) => (await admin.loadWorld(fixtureBody(await body())), [200, admin.health()])],
    // Read-only views for the console (mock/console/view.ts).
    ['GET', /^\/departments$/, async () => [200, membersByDepartment(world)]],
    ['GET', /^\/members$/, async () => [200, world.staff()]],
    ['GET', /^\/customers$/, async (_, __, url) => [200, searchCustomers(context.world, customerQueryOf(url.searchParams))]],
    ['GET', /^\/customer-filters$/, async () => [200, customerFacets(context.world)]],
    ['GET', /^\/aggregates$/, async () => [200, await worldAggregates(context)]],
    ['GET', /^\/leads$/, async (_, __, url) => [200, searchLeads(world, url.searchParams.get('query') ?? '', wholeOf(url, 'cursor', 0, Number.MAX_SAFE_INTEGER, 0), wholeOf(url, 'limit', 1, PAGE_LIMIT, PAGE_SIZE))]],
    ['GET', /^\/leads\/([^/]+)$/, async (match) => {
      const page = leadPage(world, id(match[1]!))
      if (!page) throw new AdminError(404, `no lead ${match[1]}`)
      return [200, page]
    }],
    ['GET', /^\/customers\/([^/]+)$/, async (match) => {
      const page = customerPage(world, id(match[1]!))
      if (!page) throw new AdminError(404, `no customer ${match[1]}`)
      return [200, page]
    }],
    ['POST', /^\/customers$/, async (_, body) => [201, admin.addCustomer((await body()) as NewCustomer)]],
    ['PATCH', /^\/customers\/([^/]+)$/, async (match, body) => [200, admin.updateCustomer(id(match[1]!), (await body()) as CustomerPatch)]],
    ['DELETE', /^\/customers\/([^/]+)$/, async (match) => (admin.deleteCustomer(id(match[1]!)), [200, { deleted: Number(match[1]) }])],
    ['POST', /^\/relations$/, async (_, body) => [201, admin.addRelation((await body()) as NewRelation)]],
    ['PATCH', /^\/relations\/([^/]+)$/, async (match, body) => [200, admin.updateRelation(id(match[1]!), (await body()) as RelationPatch)]],
    ['DELETE', /^\/relations\/([^/]+)$/, async (match) => (admin.deleteRelation(id(match[1]!)), [200, { deleted: Number(match[1]) }])],
    ['POST', /^\/members$/, async (_, body) => [201, admin.addMember((await body()) as NewMember)]],
    ['PATCH', /^\/members\/([^/]+)$/, async (match, body) => [200, admin.updateMember(segment(match[1]!), (await body()) as MemberPatch)]],
    ['DELETE', /^\/members\/([^/]+)$/, async (match) => [200, admin.deleteMember(segment(match[1]!))]],
    ['POST', /^\/departments$/, async (_, body) => [201, admin.addDepartment((await body()) as NewDepartment)]],
    ['PATCH', /^\/departments\/([^/]+)$/, async (match, body) => [200, admin.updateDepartment(id(match[1]!), (await body()) as DepartmentChange)]],
    ['DELETE', /^\/departments\/([^/]+)$/, async (match) => (admin.deleteDepartment(id(match[1]!)), [200, { deleted: Number(match[1]) }])],
    ['POST', /^\/leads$/, async (_, body) => [201, admin.addLead((await body()) as NewLead)]],
    ['PATCH', /^\/leads\/([^/]+)$/, async (match, body) => [200, admin.updateLead(id(match[1]!), (await body()) as LeadPatch)]],
    ['DELETE', /^\/leads\/([^/]+)$/, async (match) => (admin.deleteLead(id(match[1]!)), [200, { deleted: Number(match[1]) }])],
    ['POST', /^\/leads\/([^/]+)\/follow-ups$/, async (match, body) => [201, admin.addFollowUp(id(match[1]!), (await body()) as NewFollowUp)]],
    ['DELETE', /^\/follow-ups\/([^/]+)$/, async (match) => (admin.deleteFollowUp(id(match[1]!)), [200, { deleted: Number(match[1]) }])],
    ['POST', /^\/tags$/, async (_, body) => [201, admin.addTag((await body()) as NewTag)]],
    ['PATCH', /^\/tags\/([^/]+)$/, async (match, body) => [200, admin.updateTag(id(match[1]!), (await body()) as TagPatch)]],
    ['DELETE', /^\/tags\/([^/]+)$/, async (match) => (admin.deleteTag(id(match[1]!)), [200, { deleted: Number(match[1]) }])],
    ['GET', /^\/requests$/, async () => [200, admin.requests()]],
    ['GET', /^\/requests\/([^/]+)$/, async (match) => [200, context.journal.detail(id(match[1]!)) ?? notKept(match[1]!)]],
    ['DELETE', /^\/requests$/, async () => (admin.clearRequests(), [200, { cleared: true }])],
    // Consumer coverage (docs/coverage.md): the report, and the journals as one document for offline reports; every tenant on the default scope.
    ['GET', /^\/coverage$/, async () => [200, coverageReport(journalExport(scopeContexts))]],
    ['GET', /^\/journal$/, async () => [200, journalExport(scopeContexts)]],
    ['DELETE', /^\/coverage$/, async () => (scopeContexts.forEach((c) => (c.journal.clear(), c.pushes.clearJournal())), [200, coverageReport(journalExport(scopeContexts))])],
    ['GET', /^\/faults$/, async () => [200, { rules: admin.faults() }]],
    ['POST', /^\/faults$/, async (_, body) => [200, { rules: admin.setFaults(await body()) }]],
    ['DELETE', /^\/faults$/, async () => (admin.clearFaults(), [200, { rules: [] }])],
    ['GET', /^\/faults\/presets$/, async () => [200, faultPresets(admin)]],
    ['PUT', /^\/faults\/presets\/([^/]+)$/, async (match, body) => [200, { rules: admin.setFaultPreset(segment(match[1]!), await body()) }]],
    ['GET', /^\/packs$/, async () => [200, { packs: admin.packs() }]],
    ['POST', /^\/packs\/([^/]+)$/, async (match) => (await admin.loadPack(segment(match[1]!)), [200, admin.health()])],
    ['GET', /^\/clock$/, async () => [200, admin.setClock({})]],
    // A clock change fires the push retries it makes due; the answer waits for them (mock/push/delivery.ts).
    ['POST', /^\/clock$/, async (_, body) => {
      const state = admin.setClock((await body()) as ClockChange)
      await context.pushes.settle()
      return [200, state]
    }],
    ['GET', /^\/pushes$/, async () => [200, context.pushes.state()]],
    ['POST', /^\/pushes$/, (_, body) => pushing(async () => {
      const input = pushBody(await body(), ['type', 'content'])
      const { message, attempt } = await context.pushes.trigger(input.type as string, input.content)
      return [201, { message, verdict: attempt.verdict, attempt }]
    })],
    ['DELETE', /^\/pushes$/, async () => (context.pushes.clearJournal(), [200, { cleared: true }])],
    ['POST', /^\/pushes\/redeliver$/, (_, body) => pushing(async () => {
      const attempts = await context.pushes.redeliver(sinceOf(pushBody(await body(), ['since']).since))
      return [200, { attempts }]
    })],
    ['POST', /^\/pushes\/([^/]+)\/resend$/, (match) => pushing(async () => [200, await context.pushes.resend(id(match[1]!))])],
    ['GET', /^\/tenants$/, async () => [200, tenants.map((t) => ({ appId: t.context.options.appId, customers: t.context.world.liveCustomerCount, relations: t.context.world.relationCount, admin: `/__mock/tenants/${t.context.options.appId}` }))]],
  ]
}

/**
 * The admin API under `prefix` (`/__mock`, or `/__mock/tenants/<appId>` for one tenant of several),
 * as one msw handler. `tenants` (on the default scope) adds GET /__mock/tenants.
 */
export function createAdminHandler(context: MockContext, admin: AdminFunctions, prefix = '/__mock', tenants: readonly { context: MockContext }[] = []): HttpHandler {
  const ADMIN_PATH = adminPathPattern(prefix)
  const requestIds = new WeakMap<Request, string>()
  const routes = adminRoutes(context, admin, tenants, (request) => requestIds.get(request) ?? newRequestId())
  return http.all(
    ({ request }) => ADMIN_PATH.test(new URL(request.url).pathname),
    async ({ request }) => {
      const requestId = newRequestId()
      requestIds.set(request, requestId)
      const log = context.logger.withRequest(requestId)
      const json = (status: number, body: unknown) => {
        if (log.enabled) log.log('admin', `${request.method} ${clip(new URL(request.url).pathname, 200)} → ${status}`)
        return respond(request, status, { 'content-type': 'application/json;charset=UTF-8', [REQUEST_ID_HEADER]: requestId }, Buffer.from(body === undefined ? '' : JSON.stringify(body)) as Uint8Array<ArrayBuffer>)
      }
      try {
        const route = new URL(request.url).pathname.match(ADMIN_PATH)![1] ?? '/'
        // The console's page and script: static code, no data (every data fetch it makes passes the guard below).
        if (CONSOLE_ROUTE.test(route) && (request.method === 'GET' || request.method === 'HEAD')) {
          const asset = await consoleAsset(route)
          if (asset) {
            if (log.enabled) log.log('admin', `${request.method} ${clip(route, 200)} → ${asset.status}`)
            return respond(request, asset.status, { ...asset.headers, [REQUEST_ID_HEADER]: requestId }, request.method === 'HEAD' ? (new Uint8Array(0) as Uint8Array<ArrayBuffer>) : asset.body)
          }
        }
        const raw = await requestBytes(request)
        const refused = guardAdmin(request, context.options, prefix, route, raw.byteLength)
        if (refused) throw new AdminError(refused.status, refused.message)
        const body = async () => {
          if (raw.byteLength === 0) return {}
          try {
            return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown
          } catch {
            throw new AdminError(400, 'the body is not valid JSON')
          }
        }
        const matching = routes.filter(([, pattern]) => pattern.test(route))
        if (matching.length === 0) throw new AdminError(404, `no admin route ${route} (see the README's admin API)`)
        const hit = matching.find(([verb]) => verb === request.method)
        if (!hit) throw new AdminError(405, `${route} takes ${matching.map(([verb]) => verb).join(', ')}`)
        const result = await hit[2](route.match(hit[1])!, body, new URL(request.url), request)
        if (result instanceof Response) {
          if (log.enabled) log.log('admin', `${request.method} ${clip(new URL(request.url).pathname, 200)} → ${result.status} (stream)`)
          return result
        }
        const [status, answer] = result
        return json(status, answer)
      } catch (error) {
        if (error instanceof AdminError) return json(error.status, { error: error.message, ...(error.issues ? { issues: error.issues } : {}) })
        log.internal(error, 'the admin API')
        return json(500, { error: 'internal error' })
      }
    },
  )
}
