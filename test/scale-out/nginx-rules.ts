/**
 * docker/nginx.conf read as nginx reads the parts it uses (upstreams, maps, servers, locations,
 * proxy_pass), and its routing rule evaluated in-process: which upstream, and which server of it, a
 * call reaches. The tests route real calls this way between real replicas, since no nginx runs here.
 * Map semantics as nginx's: exact strings first, then regexes in order (named captures become
 * variables), then `default`. The consistent hash is not nginx's ketama: only "one key, one server"
 * is relied on.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const NGINX_CONF = fileURLToPath(new URL('../../docker/nginx.conf', import.meta.url))

interface Directive {
  readonly name: string
  readonly args: readonly string[]
  readonly block?: readonly Directive[]
}

/** Tokens of an nginx config: words, quoted strings (unquoted), `{`, `}`, `;`; comments dropped. */
function tokens(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)/g)) {
    if (m[0].startsWith('#')) continue
    out.push(m[1] ?? m[2] ?? m[3] ?? m[4]!)
  }
  return out
}

function parse(list: string[], at = { k: 0 }): Directive[] {
  const out: Directive[] = []
  while (at.k < list.length) {
    const name = list[at.k++]!
    if (name === '}') return out
    const args: string[] = []
    while (list[at.k] !== ';' && list[at.k] !== '{') args.push(list[at.k++]!)
    if (list[at.k++] === '{') out.push({ name, args, block: parse(list, at) })
    else out.push({ name, args })
  }
  return out
}

export interface Upstream {
  readonly servers: readonly string[]
  /** The variable a `hash` directive keys on, if any. */
  readonly hash?: string
}

interface MapRule {
  readonly source: string
  readonly exact: ReadonlyMap<string, string>
  readonly regexes: readonly (readonly [RegExp, string])[]
  readonly fallback: string
}

export interface NginxConf {
  readonly upstreams: ReadonlyMap<string, Upstream>
  readonly maps: ReadonlyMap<string, MapRule>
  /** Per listening port: its locations, in order (`~` regex ones and `/` prefix ones), and where each proxies. */
  readonly servers: ReadonlyMap<number, readonly { readonly match: RegExp | string; readonly proxyPass: string }[]>
}

export function readNginxConf(text = readFileSync(NGINX_CONF, 'utf8')): NginxConf {
  const http = parse(tokens(text)).find((d) => d.name === 'http')!.block!
  const upstreams = new Map<string, Upstream>()
  const maps = new Map<string, MapRule>()
  const servers = new Map<number, { match: RegExp | string; proxyPass: string }[]>()
  for (const d of http) {
    if (d.name === 'upstream') {
      const hash = d.block!.find((x) => x.name === 'hash')?.args[0]
      upstreams.set(d.args[0]!, { servers: d.block!.filter((x) => x.name === 'server').map((x) => x.args[0]!), ...(hash ? { hash } : {}) })
    } else if (d.name === 'map') {
      const exact = new Map<string, string>()
      const regexes: [RegExp, string][] = []
      let fallback = ''
      for (const entry of d.block!) {
        if (entry.name === 'default') fallback = entry.args[0]!
        else if (entry.name.startsWith('~')) regexes.push([new RegExp(entry.name.slice(1)), entry.args[0]!])
        else exact.set(entry.name, entry.args[0]!)
      }
      maps.set(d.args[1]!.replace(/^\$/, ''), { source: d.args[0]!, exact, regexes, fallback })
    } else if (d.name === 'server') {
      const port = Number(d.block!.find((x) => x.name === 'listen')!.args[0])
      const locations = d.block!.filter((x) => x.name === 'location').map((l) => ({
        match: l.args[0] === '~' ? new RegExp(l.args[1]!) : l.args[0]!,
        proxyPass: l.block!.find((x) => x.name === 'proxy_pass')!.args[0]!,
      }))
      servers.set(port, locations)
    }
  }
  return { upstreams, maps, servers }
}

/** What nginx knows of a call: its path and its request headers (lower-case names). */
export interface Call {
  readonly uri: string
  readonly headers: Readonly<Record<string, string | undefined>>
}

/** The value of `$name` for a call, through the maps (captures of a matching regex become variables). */
export function variable(conf: NginxConf, name: string, call: Call, captures: Map<string, string> = new Map()): string {
  if (captures.has(name)) return captures.get(name)!
  if (name === 'uri') return call.uri
  if (name.startsWith('http_')) return call.headers[name.slice(5).replace(/_/g, '-')] ?? ''
  const map = conf.maps.get(name)
  if (!map) throw new Error(`nginx.conf: no variable $${name}`)
  const input = variable(conf, map.source.replace(/^\$/, ''), call, captures)
  const value = (text: string, groups: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries(groups)) captures.set(k, v)
    return text.startsWith('$') ? variable(conf, text.slice(1), call, captures) : text
  }
  if (map.exact.has(input)) return value(map.exact.get(input)!)
  for (const [regex, result] of map.regexes) {
    const m = regex.exec(input)
    if (m) return value(result, m.groups ?? {})
  }
  return value(map.fallback)
}

/** The upstream a call to `port` is proxied to, and the tenant key when that upstream hashes. */
export function upstreamOf(conf: NginxConf, port: number, call: Call): { upstream: string; key?: string } {
  const locations = conf.servers.get(port)
  if (!locations) throw new Error(`nginx.conf: nothing listens on ${port}`)
  // nginx: a matching regex location wins over the prefix `/`.
  const location = locations.find((l) => l.match instanceof RegExp && l.match.test(call.uri)) ?? locations.find((l) => typeof l.match === 'string' && call.uri.startsWith(l.match))!
  const target = location.proxyPass.replace(/^http:\/\//, '')
  const upstream = target.startsWith('$') ? variable(conf, target.slice(1), call) : target
  const hash = conf.upstreams.get(upstream)?.hash
  return hash ? { upstream, key: variable(conf, hash.replace(/^\$/, ''), call) } : { upstream }
}
