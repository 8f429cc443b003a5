/**
 * The admin API beside the page (`/__mock/ui/` → `/__mock/…`), or a tenant's admin scope
 * (`/__mock/tenants/<appId>/…`) once one is chosen. The admin token comes from the address's
 * `#token=…` (which never reaches a server; removed from the address bar) or the token prompt, kept
 * in the tab's sessionStorage and sent as `Authorization: Bearer`. A 401 (or a 403 while a token is
 * set) asks for the token again; other refusals are the admin's `{error, issues}`.
 */
const TOKEN = 'tanma-mock.token'
const TENANT = 'tanma-mock.tenant'

const fromHash = location.hash.match(/[#&]token=([^&]+)/)
if (fromHash) {
  sessionStorage.setItem(TOKEN, decodeURIComponent(fromHash[1]!))
  history.replaceState(null, '', location.pathname + location.search)
}

/** A refused admin request: its status, the admin's message, its issues (`path: message` lines or `{path, message}` objects). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly (string | { path: string; message: string })[] = [],
  ) {
    super(message)
  }

  /** The issues by field: `{'fieldValues.customer_stage': 'expected …'}` (whole-body issues under ''). */
  byField(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const issue of this.issues) {
      const [path, message] = typeof issue === 'string' ? splitIssue(issue) : [issue.path, issue.message]
      out[path] = out[path] ? `${out[path]}; ${message}` : message
    }
    return out
  }
}

/** `'a.b: message'` → `['a.b', 'message']`; `'(body): message'` → `['', …]`. */
function splitIssue(issue: string): [string, string] {
  const at = issue.indexOf(': ')
  if (at < 0) return ['', issue]
  const path = issue.slice(0, at)
  return [path === '(body)' ? '' : path, issue.slice(at + 2)]
}

/** The admin API wants a token (none, or the one given was refused). */
export class Unauthorised extends ApiError {}

export const token = (): string | null => sessionStorage.getItem(TOKEN)
export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN, value)
}

/** The tenant whose admin scope the console reads (its appId), or null for the default scope. */
export const tenant = (): string | null => sessionStorage.getItem(TENANT)
export function setTenant(appId: string | null): void {
  if (appId === null) sessionStorage.removeItem(TENANT)
  else sessionStorage.setItem(TENANT, appId)
}

/** The URL of an admin route (`customers?query=…`) in the scope in force; `root` ignores the tenant (GET /tenants). */
export function adminUrl(path: string, { root = false } = {}): URL {
  const scope = tenant()
  return new URL(root || scope === null ? `../${path}` : `../tenants/${encodeURIComponent(scope)}/${path}`, location.href)
}

/** A JSON request to the admin API; a refusal as ApiError (Unauthorised for the token). */
export async function api<T>(path: string, { method = 'GET', body, root = false }: { method?: string; body?: unknown; root?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = {}
  const given = token()
  if (given) headers.authorization = `Bearer ${given}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(adminUrl(path, { root }), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (response.ok) return json as T
  const { error, issues } = (json ?? {}) as { error?: string; issues?: ApiError['issues'] }
  const message = error ?? `HTTP ${response.status}`
  if (response.status === 401 || (response.status === 403 && given)) throw new Unauthorised(response.status, message, issues)
  throw new ApiError(response.status, message, issues ?? [])
}

/** A query string of the given values (empty and undefined ones left out). */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}
