/**
 * @pact-foundation/pact is an optional peer dependency: a project without it imports
 * tanma-mock/contracts, and the Pact helpers and `tanma-mock verify` say how to install it.
 * (test/install/ checks the same with the packed package in a project that really lacks Pact.)
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const HIDE_PACT = ['--require', './test/pact-missing/hide-pact.cjs', '--import', 'tsx']
const INSTALL = 'npm install --save-dev @pact-foundation/pact@^16'

const node = (args: string[]) => spawnSync(process.execPath, [...HIDE_PACT, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

describe('without @pact-foundation/pact', () => {
  it('tanma-mock verify prints the install command, not a module-not-found stack', () => {
    const r = node(['mock/cli.ts', 'verify', '--pact', 'contracts/pacts'])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`verify needs @pact-foundation/pact, which is not installed: ${INSTALL}`)
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(r.stdout).toBe('')
  })

  it('tanma-mock/contracts imports: schemas and client work, the matchers say how to install Pact', () => {
    const script = `
      const c = await import('./contracts/index.ts')
      const ok = c.followedCustomerPageSchema.safeParse(c.DOCUMENTED_PAGE).success && typeof c.TanmaClient === 'function' && c.canonicalJson({ b: 1, a: 2 }) === '{"a":2,"b":1}'
      let message = ''
      try { c.followedCustomerPage() } catch (error) { message = error.name + ': ' + error.message }
      console.log(JSON.stringify({ ok, message }))`
    const r = node(['--input-type=module', '-e', script])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, message: `PactMissingError: tanma-mock/contracts' Pact matchers needs @pact-foundation/pact, which is not installed: ${INSTALL}` })
  })
})
