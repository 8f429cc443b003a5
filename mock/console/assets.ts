/**
 * The demo console's files, served by the fake itself at /__mock/ui/ (docs/console.md): one page,
 * one script, one stylesheet, built from this package's own modules — nothing fetched from a CDN,
 * nothing to build beyond `tsc` (decisions/0009-console-ui-stack.md). The script is the compiled
 * body of `consoleApp` (mock/console/client.ts), typechecked with the DOM library like any module.
 */
import { consoleApp } from './client.js'
import { CONSOLE_CSS } from './style.js'

/** The console's routes under an admin scope: `/ui`, `/ui/`, `/ui/<file>`. */
export const CONSOLE_ROUTE = /^\/ui(\/.*)?$/

const HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tanma-mock console</title>
<link rel="stylesheet" href="app.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="app.js"></script>
</body>
</html>
`

// `__name`: a helper some TypeScript loaders (esbuild's keepNames) call inside compiled functions; harmless when unused.
const SCRIPT = `const __name = (f) => f;\n(${consoleApp.toString()})();\n`

const security = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'cache-control': 'no-cache',
}

const FILES: Record<string, { type: string; text: string }> = {
  '/': { type: 'text/html;charset=utf-8', text: HTML },
  '/app.js': { type: 'text/javascript;charset=utf-8', text: SCRIPT },
  '/app.css': { type: 'text/css;charset=utf-8', text: CONSOLE_CSS },
}

/** A console file for `route` (under the admin scope), a redirect from `/ui` to `/ui/`, or a 404 page. */
export function consoleAsset(route: string): { status: number; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } | undefined {
  const match = route.match(CONSOLE_ROUTE)
  if (!match) return undefined
  if (match[1] === undefined) return { status: 308, headers: { location: 'ui/', ...security }, body: new Uint8Array(0) as Uint8Array<ArrayBuffer> }
  const file = FILES[match[1]]
  if (!file) return { status: 404, headers: { 'content-type': 'text/plain;charset=utf-8', ...security }, body: Buffer.from(`no console file ${match[1]}`) as Uint8Array<ArrayBuffer> }
  return { status: 200, headers: { 'content-type': file.type, ...security }, body: Buffer.from(file.text, 'utf8') as Uint8Array<ArrayBuffer> }
}
