/**
 * The demo console's files, served by the fake itself at /__mock/ui/ (docs/console.md,
 * decisions/0014-console-preact-htm.md): the page (an import map and one module script), the
 * stylesheet, the vendor modules (Preact, its hooks, htm, uPlot) read from this package's own
 * node_modules, and the console's modules (mock/console/app/*.ts): compiled by `tsc` into dist when
 * the fake runs from dist, transformed from the sources with esbuild (a devDependency) when it runs
 * from them (tests, tsx). Nothing comes from a CDN; nothing is built beyond `tsc`.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONSOLE_CSS } from './style.js'

/** The console's routes under an admin scope: `/ui`, `/ui/`, `/ui/<file>`. */
export const CONSOLE_ROUTE = /^\/ui(\/.*)?$/

const require = createRequire(import.meta.url)
/** A package's directory: up from its resolved entry to the package.json that names it (htm's exports do not list package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name))
  while (!(existsSync(join(dir, 'package.json')) && (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name)) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json of ${name} above ${require.resolve(name)}`)
    dir = up
  }
  return dir
}

/** The vendor modules: served at `/__mock/ui/vendor/<name>`, the file each comes from. */
const VENDOR: Record<string, () => string> = {
  'preact.js': () => join(packageDir('preact'), 'dist/preact.module.js'),
  'hooks.js': () => join(packageDir('preact'), 'hooks/dist/hooks.module.js'),
  'htm.js': () => join(packageDir('htm'), 'dist/htm.module.js'),
  'htm-preact.js': () => join(packageDir('htm'), 'preact/index.module.js'),
  'uplot.js': () => join(packageDir('uplot'), 'dist/uPlot.esm.js'),
  'uplot.css': () => join(packageDir('uplot'), 'dist/uPlot.min.css'),
}

/** The bare specifiers the console's modules import, as the page maps them. */
const IMPORT_MAP = JSON.stringify({
  imports: { preact: './vendor/preact.js', 'preact/hooks': './vendor/hooks.js', htm: './vendor/htm.js', 'htm/preact': './vendor/htm-preact.js', uplot: './vendor/uplot.js' },
})

const HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tanma-mock console</title>
<link rel="icon" href="favicon.svg">
<link rel="stylesheet" href="vendor/uplot.css">
<link rel="stylesheet" href="app.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="app/main.js"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`

/** The inline import map is the page's one inline script: allowed by its hash, nothing else inline. */
const MAP_HASH = createHash('sha256').update(IMPORT_MAP, 'utf8').digest('base64')

const security = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': `default-src 'self'; script-src 'self' 'sha256-${MAP_HASH}'; frame-ancestors 'none'`,
  'cache-control': 'no-cache',
}

const TYPES = { js: 'text/javascript;charset=utf-8', css: 'text/css;charset=utf-8', html: 'text/html;charset=utf-8', svg: 'image/svg+xml' } as const

/** The tab's icon: 探 on the header's colour. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#24292f"/><text x="16" y="23" font-size="20" text-anchor="middle" fill="#fff">探</text></svg>`

/** This module's directory, and whether it runs compiled (dist, .js) or from the sources (.ts). */
const HERE = dirname(fileURLToPath(import.meta.url))
const FROM_SOURCES = import.meta.url.endsWith('.ts')
/** A console module's path under app/: lower-case words, folders allowed, nothing else (no `..`). */
const APP_FILE = /^\/app\/((?:[a-z0-9-]+\/)*[a-z0-9-]+)\.js$/

const cache = new Map<string, Promise<string | undefined>>()

/** Read once; undefined when the file is not there. */
function cached(key: string, load: () => Promise<string>): Promise<string | undefined> {
  let text = cache.get(key)
  if (!text) {
    text = load().catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      cache.delete(key)
      throw error
    })
    cache.set(key, text)
  }
  return text
}

/** A console module's JavaScript: the compiled file beside this one, or the source transformed by esbuild. */
function appModule(name: string): Promise<string | undefined> {
  return cached(`app/${name}`, async () => {
    if (!FROM_SOURCES) return readFile(join(HERE, 'app', `${name}.js`), 'utf8')
    const source = await readFile(join(HERE, 'app', `${name}.ts`), 'utf8')
    const esbuild = await import('esbuild')
    const { code } = await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: `app/${name}.ts` })
    return code
  })
}

/** The text of a console file (`/`, `/app.css`, `/vendor/…`, `/app/….js`), or undefined. */
async function fileText(file: string): Promise<{ type: string; text: string } | undefined> {
  if (file === '/') return { type: TYPES.html, text: HTML }
  if (file === '/app.css') return { type: TYPES.css, text: CONSOLE_CSS }
  if (file === '/favicon.svg') return { type: TYPES.svg, text: FAVICON }
  const vendor = file.startsWith('/vendor/') ? VENDOR[file.slice('/vendor/'.length)] : undefined
  if (vendor) {
    const text = await cached(file, () => readFile(vendor(), 'utf8'))
    return text === undefined ? undefined : { type: file.endsWith('.css') ? TYPES.css : TYPES.js, text }
  }
  const app = file.match(APP_FILE)
  if (app) {
    const text = await appModule(app[1]!)
    return text === undefined ? undefined : { type: TYPES.js, text }
  }
  return undefined
}

type Bytes = Uint8Array<ArrayBuffer>

/** A console file for `route` (under the admin scope), a redirect from `/ui` to `/ui/`, or a 404 page; undefined when `route` is not the console's. */
export async function consoleAsset(route: string): Promise<{ status: number; headers: Record<string, string>; body: Bytes } | undefined> {
  const match = route.match(CONSOLE_ROUTE)
  if (!match) return undefined
  if (match[1] === undefined) return { status: 308, headers: { location: 'ui/', ...security }, body: new Uint8Array(0) as Bytes }
  const file = await fileText(match[1])
  if (!file) return { status: 404, headers: { 'content-type': 'text/plain;charset=utf-8', ...security }, body: Buffer.from(`no console file ${match[1]}`) as Bytes }
  return { status: 200, headers: { 'content-type': file.type, ...security }, body: Buffer.from(file.text, 'utf8') as Bytes }
}
