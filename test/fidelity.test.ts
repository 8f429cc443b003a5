/**
 * docs/fidelity.md is the one table of what the fake imitates and the switch that changes it: every
 * option an endpoint module (or the endpoint core it runs on) reads, and every error kind it answers
 * with, is named there by its flag, so a consumer who meets a behaviour finds how to change it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ENDPOINTS } from '../mock/endpoints/index.js'
import { mockOptionsSchema, settingByKey } from '../mock/options.js'
import { ERROR_KINDS } from '../mock/protocol/errors.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const fidelity = readFileSync(join(ROOT, 'docs/fidelity.md'), 'utf8')

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** The endpoint modules and the core they run on (pipeline, body check, fields, the two kinds of list). */
const sources = [...files('mock/endpoints'), ...files('mock/core')].map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }))

/** Options the endpoints read that change no upstream-imitating behaviour, with why. */
const NOT_FIDELITY: Readonly<Record<string, string>> = {
  itemCacheMb: 'memory for serialised items: the same bytes either way',
  journalSize: 'the journal is the fake\'s own (admin API), not the upstream\'s',
  appId: 'the credentials in force, not a behaviour',
  appKey: 'the credentials in force, not a behaviour',
}

describe('docs/fidelity.md', () => {
  it('names the flag of every option an endpoint module or the endpoint core reads', () => {
    const read = new Set<string>()
    for (const { text } of sources) for (const [, key] of text.matchAll(/\boptions\??\.([a-zA-Z]+)\b/g)) read.add(key!)
    if (ENDPOINTS.some((e) => e.message === 'option')) read.add('successMessage')
    const keys = Object.keys(mockOptionsSchema.shape).filter((key) => read.has(key))
    expect(keys.length).toBeGreaterThanOrEqual(15)
    const missing = keys.filter((key) => !(key in NOT_FIDELITY)).map((key) => `--${settingByKey(key)?.flag ?? key}`).filter((flag) => !fidelity.includes(`\`${flag}`))
    expect(missing).toEqual([])
  })

  it('names every error kind an endpoint answers with, as `--error <kind>=…` (or says it is fixed)', () => {
    const kinds = new Set<string>()
    for (const { text } of sources) for (const [, kind] of text.matchAll(/new UpstreamError\('([a-zA-Z]+)'/g)) kinds.add(kind!)
    expect([...kinds].every((k) => (ERROR_KINDS as readonly string[]).includes(k))).toBe(true)
    // `internal` is the fake's own failure (a bug of ours, or a world being loaded): its row says so.
    const missing = [...kinds].filter((kind) => kind !== 'internal' && !fidelity.includes(`--error ${kind}=`))
    expect(missing).toEqual([])
    expect(fidelity).toContain('`500 服务器内部错误`')
  })

  it('has a row for every endpoint', () => {
    const unnamed = ENDPOINTS.filter((e) => {
      const ending = e.path.replace(/^\/v\d\//, '')
      return !fidelity.includes(ending) && !fidelity.includes(ending.split('/').pop()!)
    }).map((e) => e.path)
    expect(unnamed).toEqual([])
  })
})
