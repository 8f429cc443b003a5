/**
 * The msw request handlers: the single definition of every endpoint, run in-process by
 * `setupServer(...handlers)` and behind the standalone server alike. Routing only: each upstream
 * endpoint of ENDPOINTS (mock/endpoints/index.ts) through the one pipeline (mock/core/pipeline.ts),
 * the admin API (mock/admin/routes.ts), and the envelope's 404 for the rest.
 */
import { http, type HttpHandler } from 'msw'
import { createAdminHandler } from './admin/routes.js'
import type { MockContext, Tenant } from './core/context.js'
import type { Endpoint } from './core/endpoint.js'
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
 * Where a request goes, the one definition for msw's handlers and the standalone host's direct
 * path: the admin API under /__mock, an upstream endpoint by its path's ending (the first of
 * ENDPOINTS that matches), and the tenant of the `appId` header (the default one otherwise).
 */
export interface Router {
  /** The endpoint a path ends with, if any. */
  endpointFor(path: string): Endpoint | undefined
  /** The tenant an upstream call goes to: that of its appId, or the default one (whose signature check refuses it). */
  contextFor(appId: string | null): MockContext
  /** Every tenant's context, the default one first. */
  readonly peers: readonly MockContext[]
}

/** Paths routed so far (bounded: a client sending ever-new paths only empties it now and then). */
const ROUTE_CACHE_SIZE = 1024

export function createRouter(tenants: readonly Tenant[]): Router {
  const peers = tenants.map((t) => t.context)
  const byAppId = new Map(peers.map((context) => [context.options.appId, context]))
  const routes = new Map<string, Endpoint | undefined>()
  return {
    peers,
    endpointFor(path) {
      if (routes.has(path)) return routes.get(path)
      const endpoint = ENDPOINTS.find((e) => path.endsWith(e.path))
      if (routes.size >= ROUTE_CACHE_SIZE) routes.clear()
      routes.set(path, endpoint)
      return endpoint
    },
    contextFor: (appId) => byAppId.get(appId ?? '') ?? peers[0]!,
  }
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
  const router = createRouter(tenants)
  const endpointHandler = http.all(
    ({ request }) => router.endpointFor(new URL(request.url).pathname) !== undefined,
    ({ request }) => serveEndpoint(router.contextFor(request.headers.get('appId')), router.endpointFor(new URL(request.url).pathname)!, request, router.peers),
  )
  const adminHandlers = tenants.length > 1 ? tenants.map((t) => createAdminHandler(t.context, t.admin, `/__mock/tenants/${t.context.options.appId}`)) : []
  const hosts = new Set(context.options.upstreamHosts)
  const notFound = http.all(
    ({ request }) => unknownPaths === 'all' || hosts.has(new URL(request.url).hostname),
    ({ request }) => serveUnknown(context, request),
  )
  return [...adminHandlers, createAdminHandler(context, fallback.admin, '/__mock', tenants), endpointHandler, notFound]
}
