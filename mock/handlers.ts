/**
 * The msw request handlers: the single definition of every endpoint, run in-process by
 * `setupServer(...handlers)` and behind the standalone server alike. Routing only: each upstream
 * endpoint of ENDPOINTS (mock/endpoints/index.ts) through the one pipeline (mock/core/pipeline.ts),
 * the admin API (mock/admin/routes.ts), and the envelope's 404 for the rest.
 */
import { http, type HttpHandler } from 'msw'
import { createAdminHandler } from './admin/routes.js'
import type { Tenant } from './core/context.js'
import { serveEndpoint, serveUnknown } from './core/pipeline.js'
import { ENDPOINTS } from './endpoints/index.js'

export { ENDPOINTS }
export { errorResponse } from './core/pipeline.js'
export type { Tenant } from './core/context.js'

export interface HandlerOptions {
  /**
   * Which unmatched requests get the envelope's 404: `upstream-hosts` (in-process: only requests to
   * the real service's hosts, so a consumer's other traffic is left alone) or `all` (the standalone server).
   */
  readonly unknownPaths?: 'upstream-hosts' | 'all'
}

/**
 * The handlers for one or more tenants (the first is the default). An upstream request goes to the
 * tenant of its `appId` header — a request signed for one tenant never sees another's data — and
 * one with an unknown appId to the default tenant, whose signature check refuses it. Admin routes
 * are `/__mock/tenants/<appId>/…`, and plain `/__mock/…` for the default tenant.
 */
export function createHandlers(tenants: readonly Tenant[], { unknownPaths = 'upstream-hosts' }: HandlerOptions = {}): HttpHandler[] {
  const fallback = tenants[0]!
  const context = fallback.context
  const byAppId = new Map(tenants.map((t) => [t.context.options.appId, t.context]))
  const peers = tenants.map((t) => t.context)
  const contextFor = (request: Request) => byAppId.get(request.headers.get('appId') ?? '') ?? context
  const endpointHandlers = ENDPOINTS.map((endpoint) =>
    http.all(({ request }) => new URL(request.url).pathname.endsWith(endpoint.path), ({ request }) => serveEndpoint(contextFor(request), endpoint, request, peers)),
  )
  const adminHandlers = tenants.length > 1 ? tenants.map((t) => createAdminHandler(t.context, t.admin, `/__mock/tenants/${t.context.options.appId}`)) : []
  const hosts = new Set(context.options.upstreamHosts)
  const notFound = http.all(
    ({ request }) => unknownPaths === 'all' || hosts.has(new URL(request.url).hostname),
    ({ request }) => serveUnknown(context, request),
  )
  return [...adminHandlers, createAdminHandler(context, fallback.admin, '/__mock', tenants), ...endpointHandlers, notFound]
}
