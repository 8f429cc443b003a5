/**
 * Every label the console's modules name exists in its one dictionary (mock/console/app/i18n.ts) in
 * Chinese and English. `t(key)` calls are typechecked; labels inside htm templates (a table column's
 * `head`, a select's `any`, a nav entry) are strings tsc cannot see, so this reads them from the sources.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const APP = fileURLToPath(new URL('../../mock/console/app/', import.meta.url))
const sources = (readdirSync(APP, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => [f, readFileSync(join(APP, f), 'utf8')] as const)
const dictionary = readFileSync(join(APP, 'i18n.ts'), 'utf8')
const words = new Map([...dictionary.matchAll(/^\s+(\w+): \{ zh: '([^']*)', en: '([^']*)' \},?$/gm)].map((m) => [m[1]!, { zh: m[2]!, en: m[3]! }]))

describe('the console labels', () => {
  it('each dictionary entry has a Chinese and an English text', () => {
    expect(words.size).toBeGreaterThan(50)
    for (const [key, { zh, en }] of words) expect([key, zh.length > 0, en.length > 0]).toEqual([key, true, true])
  })

  it('every label named in a template (column heads, select choices, nav entries, t calls) is in the dictionary', () => {
    const named: string[] = []
    for (const [file, text] of sources) {
      for (const m of text.matchAll(/\bhead: '(\w+)'|\bany="(\w+)"|\bnav: '(\w+)'|\bt\('(\w+)'|notFound\?: Word|status\(loaded, '(\w+)'\)/g)) {
        const key = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]
        if (key) named.push(`${file}: ${key}`)
      }
    }
    expect(named.length).toBeGreaterThan(40)
    expect(named.filter((entry) => !words.has(entry.split(': ')[1]!))).toEqual([])
  })
})
