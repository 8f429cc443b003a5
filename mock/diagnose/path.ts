/**
 * Diagnosis of an unknown path (the envelope's 404): the closest known endpoint, and whether the
 * version (`/v2/` for a `/v3/` endpoint, or none), a trailing slash or the case is what is wrong.
 * Routing matches a path's ending (mock/handlers.ts), so any prefix (`/api`, none, twice) is fine:
 * only the endpoint's own path is compared.
 */

const VERSION = /^v\d+$/

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]!
}

const prefixNote = (pathname: string, tailLength: number) => {
  const prefix = pathname.slice(0, pathname.length - tailLength)
  return prefix === '' ? '' : ` (the prefix ${JSON.stringify(prefix)} is fine: the fake matches the path's ending)`
}

/** The diagnosis of a path no endpoint ends with, against the endpoints' paths. */
export function diagnosePath(pathname: string, paths: readonly string[]): string {
  const trimmed = pathname.replace(/\/+$/, '')
  if (trimmed !== pathname) {
    const hit = paths.find((p) => trimmed.endsWith(p))
    if (hit) return `a trailing slash: the endpoint is ${hit}, without it`
  }
  const lower = trimmed.toLowerCase()
  const caseHit = paths.find((p) => lower.endsWith(p.toLowerCase()))
  if (caseHit) return `the case differs: the endpoint is ${caseHit} (paths are case-sensitive)`

  const segments = trimmed.split('/')
  for (const path of paths) {
    const [, version, ...rest] = path.split('/')
    const tail = `/${rest.join('/')}`
    if (!trimmed.endsWith(tail)) continue
    const before = segments[segments.length - rest.length - 1] ?? ''
    if (VERSION.test(before)) return `wrong version: /${before}/ for the /${version}/ endpoint ${path}${prefixNote(trimmed, tail.length + before.length + 1)}`
    return `the version is missing: the endpoint is ${path}${prefixNote(trimmed, tail.length)}`
  }

  let best: { path: string; distance: number; tail: string } | undefined
  for (const path of paths) {
    const n = path.split('/').length - 1
    for (const k of [n - 1, n, n + 1]) {
      if (k < 1 || k > segments.length - 1) continue
      const tail = `/${segments.slice(-k).join('/')}`
      const distance = editDistance(tail, path)
      if (!best || distance < best.distance) best = { path, distance, tail }
    }
  }
  if (!best) return 'no endpoint is near this path'
  const sentVersion = best.tail.split('/').find((s) => VERSION.test(s))
  const version = best.path.split('/')[1]!
  const versionNote = sentVersion && sentVersion !== version ? `; the version is wrong too (/${sentVersion}/ for a /${version}/ endpoint)` : ''
  return `no such endpoint; the closest known is ${best.path} (edit distance ${best.distance} from ${best.tail})${versionNote}${prefixNote(trimmed, best.tail.length)}`
}
