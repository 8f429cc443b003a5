/** Files shipped with the package (package.json, fixtures/), found from mock/ (sources) or dist/mock/ (built). */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

function packageRoot(): string {
  for (const up of ['../', '../../']) {
    const root = fileURLToPath(new URL(up, import.meta.url))
    if (existsSync(`${root}package.json`) && existsSync(`${root}fixtures`)) return root
  }
  throw new Error('cannot find the tanma-mock package root')
}

export const PACKAGE_ROOT = packageRoot()

export const PACKAGE_VERSION = (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string }).version

/** A fixture path: as given if it exists, else a named pack in fixtures/ (`small` → fixtures/small.json). */
export function fixturePath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath
  for (const candidate of [`${PACKAGE_ROOT}fixtures/${nameOrPath}.json`, `${PACKAGE_ROOT}fixtures/${nameOrPath}.ndjson`]) {
    if (existsSync(candidate)) return candidate
  }
  throw new Error(`no fixture file "${nameOrPath}", and no pack of that name: give a JSON or NDJSON file, or a pack: ${fixturePacks().join(', ')}`)
}

/** The packs shipped in fixtures/, by name. */
export function fixturePacks(): string[] {
  return readdirSync(`${PACKAGE_ROOT}fixtures`)
    .filter((f) => /\.(nd)?json$/.test(f))
    .map((f) => f.replace(/\.(nd)?json$/, ''))
    .sort()
}
