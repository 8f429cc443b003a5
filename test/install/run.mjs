#!/usr/bin/env node
// The package as a user gets it: `npm pack` (which runs `prepare`, the build), the tarball checked
// with publint and @arethetypeswrong/cli, then installed from it into fresh consumer projects in a
// temporary directory, each running a real test:
//
//   esm-vitest  ESM + vitest: the README's "A first test", verbatim; `tsc --noEmit` (nodenext);
//               `npx tanma-mock --help` and `npx tanma-mock sign --body '{}'`
//   cjs-vitest  CommonJS + vitest; `tsc --noEmit` (module/moduleResolution nodenext, where
//               setupServer(...mock.handlers) must type-check); plain `node` with require('tanma-mock')
//   jest        Jest, msw's documented setup (mocks/node.js + setupFilesAfterEnv, testEnvironment
//               node), native ESM (node --experimental-vm-modules), since the package is ESM
//   no-pact     only tanma-mock (@pact-foundation/pact is an optional peer): the entry points import
//               (tanma-mock/push decrypts a push, noise exact),
//               the Pact helpers and `tanma-mock verify` say how to install Pact (exit 1, no stack)
//
//   git-url     (with --git) `npm install git+file://<this repository>#<HEAD>`, the README's way before
//               publication: npm installs the devDependencies in its clone and runs `prepare`
//
// `npm run test:install` (needs the npm registry or a warm npm cache: installs use --prefer-offline;
// about a minute, `--git` adds about 20 s and installs every devDependency once more).
// `--keep` keeps the temporary directory. Not part of `npm test`.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const KEEP = process.argv.includes('--keep')
const GIT = process.argv.includes('--git')
const PACT_HINT = 'npm install --save-dev @pact-foundation/pact@^16'
const started = Date.now()
const work = mkdtempSync(join(workRoot(), 'tanma-mock-install-'))
/**
 * Where the projects go: $TANMA_INSTALL_TMP, else /dev/shm when it is a tmpfs that allows executables
 * (removing the projects' ~20,000 files from a disk mounted with `discard` took 45–100 s), else the
 * system's temporary directory.
 */
function workRoot() {
  if (process.env.TANMA_INSTALL_TMP) return process.env.TANMA_INSTALL_TMP
  try {
    const shm = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[1] === '/dev/shm' && f[2] === 'tmpfs')
    if (shm && !shm[3].split(',').includes('noexec')) return '/dev/shm'
  } catch {}
  return tmpdir()
}
const since = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`
const log = (line) => process.stdout.write(`[install ${since(started).padStart(7)}] ${line}\n`)

// Child npm runs as if typed by hand, not as part of this script's `npm run` (no npm_* variables).
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'))
env.NO_COLOR = '1'
env.NO_UPDATE_NOTIFIER = '1'
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(cmd, args, cwd, { timeoutMs = 180_000, extraEnv = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: signal ? `killed (${signal})` : code, stdout, stderr })
    })
  })
}

const failures = []
/** One check: a command that must exit with `expect.code` (0) and whose output passes `expect.check`. */
async function check(project, label, cmd, args, cwd, expect = {}) {
  const t = Date.now()
  const r = await run(cmd, args, cwd)
  const wanted = expect.code ?? 0
  const problem = r.code !== wanted ? `exit ${r.code}, expected ${wanted}` : expect.check?.(r)
  log(`${problem ? '✘' : '✔'} ${project}: ${label} (${since(t)})${problem ? `: ${problem}` : ''}`)
  if (problem) {
    failures.push(`${project}: ${label}: ${problem}`)
    process.stdout.write(`${r.stdout}${r.stderr}`.trimEnd().split('\n').slice(-40).map((l) => `    | ${l}`).join('\n') + '\n')
  }
  return r
}

function project(name, files) {
  const dir = join(work, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), typeof text === 'string' ? text : JSON.stringify(text, null, 2) + '\n')
  }
  return dir
}

const json = (o) => o
const tsconfig = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] } }
const ENDPOINT = 'https://api.tanmarket.cn:20066/api/v3/customer-relation/list-by-relation-create-time-asc'
const noStack = (r) => (/^\s+at /m.test(r.stderr + r.stdout) ? 'printed a stack trace' : undefined)

/** The README's "A first test" block, as a user copies it. */
function readmeFirstTest() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const m = /^#+ A first test[^\n]*\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme)
  if (!m) throw new Error('README.md has no "A first test" section with a ```ts block')
  const code = m[1]
  return /from 'vitest'/.test(code) ? code : `import { afterAll, beforeAll, expect, it } from 'vitest'\n${code}`
}

async function main() {
  log(`working in ${work}`)

  // 1. The tarball (npm pack runs `prepare`, which builds dist/), and the package checks.
  let t = Date.now()
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], ROOT)
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`)
  const [{ filename, size, entryCount, files }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))
  const tarball = join(work, filename)
  log(`packed ${filename}: ${entryCount} files, ${(size / 1024).toFixed(0)} KiB (${since(t)})`)
  const shipped = files.map((f) => f.path)
  const unwanted = shipped.filter((p) => /\.test\.ts$|\.map$|tsbuildinfo|^(mock|test|bench|docs|decisions)\//.test(p))
  if (unwanted.length > 0) failures.push(`the tarball ships ${unwanted.join(', ')}`)
  for (const needed of ['LICENSE', 'dist/mock/index.js', 'dist/mock/index.d.ts', 'dist/mock/index.cjs', 'dist/mock/index.d.cts', 'dist/contracts/index.js', 'dist/mock/push/receiver.js', 'dist/mock/push/receiver.cjs', 'dist/mock/cli.js', 'fixtures/small.json']) {
    if (!shipped.includes(needed)) failures.push(`the tarball lacks ${needed}`)
  }
  log(`${unwanted.length === 0 ? '✔' : '✘'} tarball contents: no tests, maps or sources`)
  const bin = join(ROOT, 'node_modules', '.bin')
  await check('package', 'publint', join(bin, 'publint'), [], ROOT)
  await check('package', 'attw (node16 from ESM and CJS, bundler)', join(bin, 'attw'), [tarball, '--profile', 'node16', '--format', 'ascii'], ROOT)

  // 2. The consumer projects, installed from the tarball side by side (the network or the npm cache is the wait).
  const esm = project('esm-vitest', {
    'package.json': json({ name: 'esm-consumer', private: true, type: 'module' }),
    'tsconfig.json': json(tsconfig),
    'first.test.ts': readmeFirstTest(),
  })
  const cjs = project('cjs-vitest', {
    'package.json': json({ name: 'cjs-consumer', private: true, type: 'commonjs' }),
    'tsconfig.json': json(tsconfig),
    'first.test.ts': `import { setupServer } from 'msw/node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createMock, type Mock } from 'tanma-mock'
import { TanmaClient } from 'tanma-mock/contracts'

let mock: Mock
let server: ReturnType<typeof setupServer>
beforeAll(async () => {
  mock = await createMock({ seed: 'ci', customers: 30 })
  server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

it('pages through every followed customer with the reference client', async () => {
  const client = new TanmaClient({ baseUrl: 'https://api.tanmarket.cn:20066/api', ...mock.credentials })
  let n = 0
  for await (const _ of client.followedCustomers({ size: 7 })) n++
  expect(n).toBe(mock.world.relationCount)
})
`,
    'require.cjs': `// Plain CommonJS: require() of the ESM package (Node >= 20.19) next to msw's CommonJS build.
const { setupServer } = require('msw/node')
const { createMock } = require('tanma-mock')
const { TanmaClient } = require('tanma-mock/contracts')
const { createPushReceiver } = require('tanma-mock/push')
if (typeof createPushReceiver !== 'function') throw new Error("require('tanma-mock/push') has no createPushReceiver")
;(async () => {
  const mock = await createMock({ fixtures: 'documented-example' })
  const server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  const body = JSON.stringify({ size: 10 })
  const res = await fetch(${JSON.stringify(ENDPOINT)}, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(body) }, body })
  const page = await res.json()
  server.close()
  if (page.code !== 0 || page.data.list.length !== 2 || typeof TanmaClient !== 'function') throw new Error('unexpected: ' + JSON.stringify(page).slice(0, 200))
  console.log('require: code 0, the documented example\\'s 2 customers')
})().catch((e) => { console.error(e); process.exit(1) })
`,
  })
  const jest = project('jest', {
    'package.json': json({
      name: 'jest-consumer',
      private: true,
      type: 'module',
      jest: { testEnvironment: 'node', setupFilesAfterEnv: ['./jest.setup.js'], transform: {} },
    }),
    // msw's documented layout: handlers in mocks/, the server in mocks/node.js, lifecycle in jest.setup.js.
    'mocks/node.js': `import { setupServer } from 'msw/node'
import { createMock } from 'tanma-mock'

export const mock = await createMock({ seed: 'ci', customers: 50 })
export const server = setupServer(...mock.handlers)
`,
    'jest.setup.js': `import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { server } from './mocks/node.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
`,
    'list.test.js': `import { expect, it } from '@jest/globals'
import { mock } from './mocks/node.js'

it('reads a signed page, and a bad signature gets 1002', async () => {
  const body = JSON.stringify({ size: 20 })
  const post = (headers) => fetch(${JSON.stringify(ENDPOINT)}, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((r) => r.json())
  const page = await post(mock.sign(body))
  expect(page.code).toBe(0)
  expect(page.data.list).toHaveLength(20)
  const refused = await post({ ...mock.sign(body), sign: '0'.repeat(64) })
  expect(refused.code).toBe(1002)
})
`,
  })
  const bare = project('no-pact', {
    'package.json': json({ name: 'no-pact-consumer', private: true, type: 'module' }),
    'check.mjs': `const { createMock } = await import('tanma-mock')
const contracts = await import('tanma-mock/contracts')
const mock = await createMock({ customers: 5 })
if (mock.handlers.length === 0) throw new Error('no handlers')
if (!contracts.followedCustomerPageSchema.safeParse(contracts.DOCUMENTED_PAGE).success) throw new Error('schemas do not work without Pact')
let message = ''
try { contracts.followedCustomerPage() } catch (error) { message = error.message }
if (!message.includes(${JSON.stringify(PACT_HINT)})) throw new Error('followedCustomerPage() without Pact: ' + (message || 'no error'))
const push = await import('tanma-mock/push')
const credentials = { appId: 'zc_test', appKey: 'zc_test' }
const sent = push.pushRequest({ type: 'register', noise: -203478414587272730n, msgId: 1, content: 'hello' }, credentials, 0)
push.verifyPush(sent.headers, credentials)
if (push.ackFor(push.decryptPush(sent.body, credentials)) !== '-203478414587272730') throw new Error('tanma-mock/push: the noise is not exact')
console.log('imports without Pact; the matchers say: ' + message)
`,
  })

  const projects = []
  if (GIT) {
    const head = (await run('git', ['rev-parse', 'HEAD'], ROOT)).stdout.trim()
    if ((await run('git', ['status', '--porcelain', '--untracked-files=no'], ROOT)).stdout.trim()) log(`git-url: uncommitted changes are not part of the install from ${head.slice(0, 10)}`)
    const dir = project('git-url', {
      'package.json': json({ name: 'git-consumer', private: true, type: 'module' }),
      'check.mjs': `const { createMock } = await import('tanma-mock')
const mock = await createMock({ fixtures: 'small' })
console.log('built on install from git: ' + mock.world.liveCustomerCount + ' customers in the small pack')
`,
    })
    projects.push([dir, [`git+file://${ROOT.replace(/\/$/, '')}#${head}`]])
  }

  t = Date.now()
  const devTools = ['msw', 'vitest', 'typescript', '@types/node@20']
  const installs = await Promise.all([
    [esm, [tarball, ...devTools]],
    [cjs, [tarball, ...devTools]],
    [jest, [tarball, 'msw', 'jest', '@jest/globals']],
    [bare, [tarball]],
    ...projects,
  ].map(async ([dir, packages]) => {
    const r = await run('npm', [...NPM_INSTALL, ...packages], dir, { timeoutMs: 300_000 })
    const name = dir.slice(work.length + 1)
    if (r.code !== 0) failures.push(`${name}: npm install: exit ${r.code}\n${r.stderr}`)
    return `${name} ${r.code === 0 ? '✔' : '✘'}`
  }))
  log(`installed ${installs.join(', ')} (${since(t)}, in parallel)`)
  if (failures.length > 0) return

  // 3. The tests, one project after the other (CPU is the limit now).
  const local = (dir, tool) => join(dir, 'node_modules', '.bin', tool)
  await check('esm-vitest', "the README's first test (vitest)", local(esm, 'vitest'), ['run'], esm)
  await check('esm-vitest', 'tsc --noEmit (nodenext, ESM)', local(esm, 'tsc'), ['-p', '.'], esm)
  await check('esm-vitest', 'npx tanma-mock --help', 'npx', ['--no-install', 'tanma-mock', '--help'], esm, {
    check: (r) => (/serve/.test(r.stdout) && /verify/.test(r.stdout) ? undefined : 'no command list'),
  })
  await check('esm-vitest', "npx tanma-mock sign --body '{}'", 'npx', ['--no-install', 'tanma-mock', 'sign', '--body', '{}'], esm, {
    check: (r) => (/\b[0-9a-f]{64}\b/.test(r.stdout) && /curl/.test(r.stdout) ? undefined : 'no signature and curl line'),
  })
  await check('cjs-vitest', 'a test with the reference client (vitest)', local(cjs, 'vitest'), ['run'], cjs)
  await check('cjs-vitest', 'tsc --noEmit (nodenext, CommonJS): setupServer(...mock.handlers)', local(cjs, 'tsc'), ['-p', '.'], cjs)
  await check('cjs-vitest', "node require.cjs: require('tanma-mock')", process.execPath, ['require.cjs'], cjs, {
    check: (r) => (/ExperimentalWarning/.test(r.stderr) ? 'an ExperimentalWarning on require()' : undefined),
  })
  await check('jest', 'jest (testEnvironment node, ESM via --experimental-vm-modules)', process.execPath, ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', join(jest, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], jest)
  await check('no-pact', "import('tanma-mock') and 'tanma-mock/contracts' without Pact", process.execPath, ['check.mjs'], bare)
  await check('no-pact', 'npx tanma-mock verify --pact x: the install hint', 'npx', ['--no-install', 'tanma-mock', 'verify', '--pact', 'x'], bare, {
    code: 1,
    check: (r) => (!r.stderr.includes(PACT_HINT) ? `stderr lacks "${PACT_HINT}"` : noStack(r)),
  })
  if (GIT) await check('git-url', "import('tanma-mock') from a git install (built by prepare)", process.execPath, ['check.mjs'], join(work, 'git-url'))
}

try {
  await main()
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error))
}
log(failures.length === 0 ? `all good (${since(started)})` : `${failures.length} failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`)
if (KEEP) log(`kept ${work}`)
else {
  const t = Date.now()
  rmSync(work, { recursive: true, force: true })
  log(`removed ${work} (${since(t)})`)
}
process.exitCode = failures.length === 0 ? 0 : 1
