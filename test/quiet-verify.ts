/**
 * Runs a Pact verification in its own process, for tests: the Pact core prints its report straight
 * to the process's stdout, which would land in the test output (with "FAILED" for cases that are
 * meant to fail). Prints the report, then one line `RESULT {json}` the parent reads.
 *
 *   node --import tsx test/quiet-verify.ts '{"pact":"…","providerBaseUrl":"http://…"}'   a static provider
 *   node --import tsx test/quiet-verify.ts '{"pact":"…","mock":{"customers":10}}'         the fake
 */
import { spawn } from 'node:child_process'
import { Verifier } from '@pact-foundation/pact'

interface Job {
  pact: string
  providerBaseUrl?: string
  mock?: Record<string, unknown>
}

/** Failed interaction descriptions (without the "Verifying a pact between …" prefix). */
function failures(error: Error): string[] {
  return (JSON.parse(error.message) as { errors: { interaction: string }[] }).errors.map((e) => e.interaction.replace(/^.* - /, ''))
}

async function main(job: Job) {
  process.env.PACT_DO_NOT_TRACK = 'true'
  if (job.providerBaseUrl) {
    const failed = await new Verifier({ providerBaseUrl: job.providerBaseUrl, pactUrls: [job.pact], logLevel: 'error' })
      .verifyProvider()
      .then(() => [] as string[])
      .catch(failures)
    return { failed }
  }
  const { createMock } = await import('../mock/index.js')
  const { verifyPacts } = await import('../contracts/verify.js')
  return verifyPacts({ pact: job.pact, fake: await createMock(job.mock ?? {}) })
}

/** From a test: runs a job in a child process and resolves with its result. */
export function verifyQuietly<T>(job: Job): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c))
  return new Promise((resolve, reject) =>
    child.on('close', () => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (line) resolve(JSON.parse(line.slice(7)) as T)
      else reject(new Error(`the verification did not finish:\n${out}`))
    }),
  )
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  main(JSON.parse(process.argv[2]!) as Job).then((result) => process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`))
}
