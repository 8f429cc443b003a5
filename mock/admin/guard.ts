/**
 * Who may use the admin API (/__mock): the one place its security policy lives (docs/admin.md,
 * "Security"). The admin handler asks `guardAdmin` before it routes; the host asks `isAdminPath`
 * to know how much of a body to read.
 *
 * Over the network, a web page the user visits can send requests to a loopback server (CSRF), and
 * a DNS name rebound to 127.0.0.1 makes them same-origin (DNS rebinding). As local dev servers do
 * (Vite, webpack-dev-server), the admin API therefore refuses what only a browser on another site
 * sends: a body that is not declared JSON (a form or `text/plain` needs no CORS preflight), a
 * foreign `Origin` or `Sec-Fetch-Site: cross-site`, and a `Host` that is not this server's. A valid
 * admin token makes the Origin and Host checks moot: a page on another site cannot know the token,
 * and a browser sends no `Authorization` header cross-origin without a preflight the fake never
 * grants. In-process requests (msw `setupServer`) come from the test itself, not from a browser:
 * only the token applies to them.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { isHostRequest } from '../host-channel.js'
import type { ResolvedOptions } from '../options.js'

/** The root of every admin scope: an admin path starts with it, it does not merely contain it. */
export const ADMIN_ROOT = '/__mock'

/**
 * The live stream (server-sent events): the one route that also takes the token as `?token=`, since
 * a browser's EventSource cannot set an Authorization header. Nowhere else: a token in a URL ends up
 * in histories and logs.
 */
export const STREAM_ROUTE = '/stream'

/** The liveness route: open to anyone, answers `{"status":"ok"}` and reveals nothing. */
export const LIVENESS_ROUTE = '/live'

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The paths of the admin scope at `prefix`, anchored at the start; group 1 is the route under it. */
export function adminPathPattern(prefix: string): RegExp {
  return new RegExp(`^${escape(prefix)}(\\/.*)?$`)
}

const ANY_ADMIN_PATH = adminPathPattern(ADMIN_ROOT)

/** Whether a path belongs to the admin API (any scope). */
export function isAdminPath(pathname: string): boolean {
  return ANY_ADMIN_PATH.test(pathname)
}

/** A refused admin request: status and a message saying what to do. */
export interface Refusal {
  readonly status: number
  readonly message: string
}

/** Loopback names: where a browser on this machine reaches a local server. */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
}

/** `host[:port]` → hostname (brackets kept off IPv6), or undefined when it is not a host. */
function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname.replace(/^\[(.*)\]$/, '$1')
  } catch {
    return undefined
  }
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function hasToken(request: Request, token: string): boolean {
  return isBearer(request.headers.get('authorization'), token)
}

/** Whether the URL carries `?token=<token>` (the live stream only), compared in constant time. */
function hasQueryToken(request: Request, token: string): boolean {
  const given = new URL(request.url).searchParams.get('token')
  return given !== null && isBearer(`Bearer ${given}`, token)
}

/** Whether an `Authorization` header value is `Bearer <token>`, compared in constant time. */
export function isBearer(authorization: string | null | undefined, token: string): boolean {
  // Equal-length digests: the time taken says nothing about the token, not even its length.
  return timingSafeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`))
}

function isJsonType(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  return type === 'application/json'
}

/**
 * Whether an admin request may go on (undefined) or why not. `bodyBytes`: the size of its body;
 * `prefix`: the admin scope it is addressed to; `route`: its path under that scope.
 */
export function guardAdmin(request: Request, options: Pick<ResolvedOptions, 'adminToken' | 'allowedHosts' | 'adminBodyLimit'>, prefix: string, route: string, bodyBytes: number): Refusal | undefined {
  // Liveness, for a container's healthcheck: no token, no checks, nothing revealed.
  if (prefix === ADMIN_ROOT && route === LIVENESS_ROUTE && request.method === 'GET') return undefined

  const token = options.adminToken
  const authorised = token !== undefined && (hasToken(request, token) || (route === STREAM_ROUTE && request.method === 'GET' && hasQueryToken(request, token)))
  if (token !== undefined && !authorised) return { status: 401, message: `the admin API needs the admin token: Authorization: Bearer <token>${route === STREAM_ROUTE ? ' (or ?token=<token> on the stream)' : ''}` }

  if (bodyBytes > options.adminBodyLimit) {
    return { status: 413, message: `the body is over the admin body limit of ${options.adminBodyLimit} bytes: raise it with --admin-body-limit <bytes> (option adminBodyLimit)` }
  }
  if (!isHostRequest(request)) return undefined // in-process: no browser, no network

  const contentType = request.headers.get('content-type')
  if ((bodyBytes > 0 || contentType !== null) && (contentType === null || !isJsonType(contentType))) {
    return { status: 415, message: `admin bodies must be sent as Content-Type: application/json (got ${contentType === null ? 'none' : JSON.stringify(contentType)})` }
  }
  if (authorised) return undefined

  const self = new URL(request.url) // the host builds it on the address the server listens on
  const host = request.headers.get('host')
  if (host !== null && !isAllowedHost(host, self, options.allowedHosts)) {
    return {
      status: 403,
      message: `Host ${JSON.stringify(host)} is not this server's, a loopback name or an allowed host (a DNS-rebinding guard): allow it with --allowed-host ${hostnameOf(host) ?? host} (option allowedHosts), or send the admin token`,
    }
  }
  const origin = request.headers.get('origin')
  if (origin !== null && !isOwnOrigin(origin, host ?? self.host)) {
    return { status: 403, message: `a request from origin ${JSON.stringify(origin)} is refused (a cross-site request guard): the admin API answers only its own origin, or requests with the admin token` }
  }
  if (request.headers.get('sec-fetch-site')?.toLowerCase() === 'cross-site') {
    return { status: 403, message: 'a cross-site request (Sec-Fetch-Site: cross-site) is refused: the admin API answers only its own origin, or requests with the admin token' }
  }
  return undefined
}

/** A Host header naming this server: its listening address, a loopback name, or an allowed host. */
function isAllowedHost(hostHeader: string, self: URL, allowedHosts: readonly string[]): boolean {
  const name = hostnameOf(hostHeader)
  if (name === undefined) return false
  const bare = self.hostname.replace(/^\[(.*)\]$/, '$1')
  if (name === bare || isLoopbackName(name)) return true
  const given = hostHeader.toLowerCase()
  return allowedHosts.some((allowed) => {
    const entry = allowed.toLowerCase()
    return entry === name || entry === given || (entry.startsWith('.') && (name.endsWith(entry) || name === entry.slice(1)))
  })
}

/** An Origin that is this server itself, as the client addressed it (`http(s)://` + its Host). */
function isOwnOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host
  } catch {
    return false
  }
}
