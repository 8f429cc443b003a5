/**
 * The documentation a new user and a contributor read: a short README that leads to the reference
 * pages, links that resolve, and code that cites the project's own account of the upstream
 * (docs/upstream.md, by section) rather than a file outside the repository.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist') return []
    return statSync(join(ROOT, path)).isDirectory() ? files(path, keep) : keep(path) ? [path] : []
  })
}

const markdown = ['README.md', ...files('docs', (p) => p.endsWith('.md')), ...files('decisions', (p) => p.endsWith('.md'))]
const sources = ['mock', 'contracts', 'test', 'bench', 'fixtures', 'schema', 'scripts'].filter((d) => existsSync(join(ROOT, d))).flatMap((d) => files(d, (p) => /\.(ts|mjs|cjs|js)$/.test(p)))

describe('the documentation', () => {
  it('README is short: what it is, the two commands, adding it to a project, a first test, and where the reference is', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(readme.split('\n').length).toBeLessThan(185) // 150, the push receivers of issue 12 (TypeScript and Python), the console of issue 14 (banner line, screenshot, docs row), the Performance chart and table of issue 15
    for (const heading of ['## Two commands', '## Add it to your project', '## A first test', '## Reference']) expect(readme).toContain(heading)
    expect(readme).toMatch(/npm install && npm start/)
    expect(readme).toMatch(/npm test/)
  })

  it('every relative link in README, docs/ and decisions/ points at a file that exists', () => {
    const broken: string[] = []
    for (const file of markdown) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue
        const path = join(ROOT, dirname(file), target!.split('#')[0]!)
        if (!existsSync(path)) broken.push(`${file}: ${target}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('code cites docs/upstream.md by a section that exists, never UPSTREAM.md outside the repository', () => {
    const upstream = readFileSync(join(ROOT, 'docs/upstream.md'), 'utf8')
    const sections = new Set([...upstream.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]))
    const outside: string[] = []
    const unknown: string[] = []
    for (const file of sources) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      if (file !== 'test/docs.test.ts' && /(?<!docs\/)UPSTREAM\.md/.test(text)) outside.push(file)
      for (const [, cited] of text.matchAll(/docs\/upstream\.md(?:'s)? §(\d+(?:\.\d+)?)/g)) if (!sections.has(cited!)) unknown.push(`${relative(ROOT, join(ROOT, file))}: §${cited}`)
    }
    expect(outside).toEqual([])
    expect(unknown).toEqual([])
    expect(sections.size).toBeGreaterThanOrEqual(8)
  })
})
