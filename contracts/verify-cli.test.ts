/** `tanma-mock verify` as a user runs it: the shipped examples do what docs/contracts.md says, and logs carry no escape codes. */
import { spawnSync } from 'node:child_process'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { ansiStripper, coloursWanted, stripAnsi } from './verify-output.js'

const CLI = ['--import', 'tsx', 'mock/cli.ts']
const ESC = '\x1b'

/** The CLI with its output piped (not a terminal), colour variables as given and no others. */
function verify(args: string[], colourEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...colourEnv }
  for (const name of ['FORCE_COLOR', 'NO_COLOR'] as const) if (!(name in colourEnv)) delete env[name]
  const r = spawnSync(process.execPath, [...CLI, 'verify', ...args], { env, encoding: 'utf8', timeout: 90_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr }
}

describe('tanma-mock verify, off a terminal', () => {
  it('the custom-states example passes as shipped (exit 0), without escape codes', () => {
    const r = verify(['--pact', 'contracts/examples/crm-sync-custom-states.pact.json', '--provider-state-setup', 'contracts/examples/crm-sync-states.mjs'])
    expect(r.status, r.output).toBe(0)
    expect(r.output).not.toContain(ESC)
    expect(r.stdout).toContain('Given a member follows a VIP customer named 王小明')
    expect(r.stdout).toContain('has a matching body (OK)')
    expect(r.stdout).toContain('✔ 2 interactions satisfied')
  }, 120_000)

  it('an unsatisfied pact exits 1 with the summary, no escape codes and no pino "ERROR … Verification unsuccessful" line', () => {
    const r = verify(['--pact', 'contracts/examples/crm-sync-unsatisfied.pact.json'])
    expect(r.status, r.output).toBe(1)
    expect(r.output).not.toContain(ESC)
    expect(r.output).not.toMatch(/Verification unsuccessful/)
    expect(r.stdout).toContain('has a matching body (FAILED)')
    expect(r.stdout).toContain('✘ 2 of 3 interactions not satisfied:')
    expect(r.stdout).toContain('crm-sync: an unsigned request is refused with HTTP 401')
  }, 120_000)

  it('FORCE_COLOR keeps the colours', () => {
    const r = verify(['--pact', 'contracts/examples/crm-sync-custom-states.pact.json', '--provider-state-setup', 'contracts/examples/crm-sync-states.mjs'], { FORCE_COLOR: '1' })
    expect(r.status, r.output).toBe(0)
    expect(r.stdout).toContain(`${ESC}[32mOK${ESC}[0m`)
  }, 120_000)
})

describe('colours', () => {
  it('are wanted on a terminal only, never with NO_COLOR, always with FORCE_COLOR (but FORCE_COLOR=0)', () => {
    const tty = { isTTY: true }
    const pipe = { isTTY: false }
    expect(coloursWanted(tty, {})).toBe(true)
    expect(coloursWanted(pipe, {})).toBe(false)
    expect(coloursWanted({}, {})).toBe(false)
    expect(coloursWanted(tty, { NO_COLOR: '1' })).toBe(false)
    expect(coloursWanted(tty, { NO_COLOR: '' })).toBe(true) // no-color.org: present and not empty
    expect(coloursWanted(pipe, { FORCE_COLOR: '1' })).toBe(true)
    expect(coloursWanted(pipe, { FORCE_COLOR: '' })).toBe(true)
    expect(coloursWanted(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true)
    expect(coloursWanted(tty, { FORCE_COLOR: '0' })).toBe(false)
    expect(coloursWanted(tty, { FORCE_COLOR: 'false' })).toBe(false)
  })

  it('are stripped from a stream even when an escape sequence or a character is split across chunks', async () => {
    const coloured = `has status code ${ESC}[1m200${ESC}[0m (${ESC}[32mOK${ESC}[0m) 王小明 ${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\`
    const bytes = Buffer.from(coloured)
    for (const size of [1, 2, 3, 5, 7]) {
      const chunks: Buffer[] = []
      for (let k = 0; k < bytes.length; k += size) chunks.push(bytes.subarray(k, k + size))
      expect(await text(Readable.from(chunks).pipe(ansiStripper()))).toBe('has status code 200 (OK) 王小明 link')
    }
    expect(stripAnsi(coloured)).toBe('has status code 200 (OK) 王小明 link')
  })
})
