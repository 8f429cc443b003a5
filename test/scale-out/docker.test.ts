/**
 * The Docker image and the compose stack (issue 15, "beyond one machine"; decisions/0013-scaling-out.md).
 * No Docker engine runs here, so the facts the files must agree on with the code are checked (port,
 * liveness route, host and token variables, the image's entry point, the two replicas behind nginx,
 * the ports published). docker/nginx.conf itself runs in a real nginx in front of two real replicas:
 * test/scale-out/nginx.test.ts.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ADMIN_ROOT, LIVENESS_ROUTE } from '../../mock/admin/guard.js'
import { settingByKey } from '../../mock/options.js'

const file = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8')
const dockerfile = file('Dockerfile')
const dockerignore = file('.dockerignore')
const compose = file('docker/compose.yaml')
const pkg = JSON.parse(file('package.json')) as { bin: Record<string, string> }
const nginxConf = file('docker/nginx.conf').replace(/#[^\n]*/g, '')
const envOf = (key: string) => settingByKey(key)!.env[0]!
const PORT = settingByKey('port')!.defaultValue as number

/** The Dockerfile's stages: the text from each FROM to the next. */
const stages = dockerfile.split(/^(?=FROM )/m).slice(1)
const runtime = stages.at(-1)!

/** A compose service's block: its lines under `services:` down to the next service. */
function service(name: string): string {
  const m = new RegExp(`^  ${name}:(.*(?:\\n(?:    .*|\\s*))*)`, 'm').exec(compose.slice(compose.indexOf('\nservices:')))
  if (!m) throw new Error(`docker/compose.yaml has no service ${name}`)
  return m[1]!
}

describe('the Docker image', () => {
  it('builds in one stage with every dependency and runs in another with dist/, production dependencies and not as root', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    expect(stages[0]).toMatch(/RUN npm ci --ignore-scripts/)
    expect(stages[0]).toMatch(/RUN npm run build/)
    expect(runtime).toMatch(/^COPY --from=build \/src\/dist dist$/m)
    // The standalone server needs msw, a peer dependency the lockfile lists as a dev one: `npm ci --omit=dev`
    // leaves it out (tried); without devDependencies `npm install --omit=dev` installs it as a peer, at the locked version.
    expect(runtime).toMatch(/RUN npm pkg delete devDependencies \\\n \&\& npm install --omit=dev --ignore-scripts/)
    expect(runtime).not.toMatch(/^RUN npm ci --omit=dev/m)
    const user = [...runtime.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1]
    expect(user).toBeDefined()
    expect(['root', '0']).not.toContain(user)
    expect(runtime).toContain(`ENTRYPOINT ["node", "${pkg.bin['tanma-mock']!.replace(/^\.\//, '')}"]`)
  })

  it('listens on every interface of the container, on the port it exposes, and checks its health on the liveness route', () => {
    expect(runtime).toMatch(new RegExp(`^ENV ${envOf('host')}=0\\.0\\.0\\.0$`, 'm'))
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${PORT}$`, 'm'))
    const health = /^HEALTHCHECK [\s\S]*?CMD (\[.*\])$/m.exec(runtime)
    expect(health).not.toBeNull()
    const command = (JSON.parse(health![1]!) as string[]).join(' ')
    expect(command).toContain(`${ADMIN_ROOT}${LIVENESS_ROUTE}`)
    expect(command).toContain(`process.env.${envOf('port')} || process.env.PORT || ${PORT}`)
  })

  it('says how to pass the admin token, which the fake requires off loopback', () => {
    expect(envOf('adminToken')).toBe('TANMA_ADMIN_TOKEN')
    expect(dockerfile).toContain(`-e ${envOf('adminToken')}=`)
  })

  it('copies nothing the build context leaves out', () => {
    const ignored = dockerignore.split('\n').filter((line) => line.trim() && !line.startsWith('#'))
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '))
    expect(copied.length).toBeGreaterThan(4)
    for (const path of copied) expect(ignored.filter((pattern) => path === pattern || path.startsWith(`${pattern}/`)), path).toEqual([])
    for (const path of ['node_modules', 'dist', '.git']) expect(ignored).toContain(path)
  })
})

describe('the compose stack', () => {
  /** The servers of nginx's upstream `replicas`. */
  const fakes = [.../upstream replicas \{([^}]*)\}/.exec(nginxConf)![1]!.matchAll(/server (\S+);/g)].map((m) => m[1]!)

  it('runs two replicas of one image with the same world, each given the admin token, behind nginx', () => {
    expect(fakes.map((s) => s.replace(/:\d+$/, ''))).toEqual(['fake-a', 'fake-b'])
    for (const server of fakes) {
      expect(server.endsWith(`:${PORT}`)).toBe(true)
      expect(service(server.replace(/:\d+$/, '')).trim()).toBe('*fake')
    }
    const fake = compose.slice(compose.indexOf('x-fake: &fake'), compose.indexOf('\nservices:'))
    expect(fake).toMatch(/context: \.\.\n\s+dockerfile: Dockerfile/)
    expect(fake).toMatch(new RegExp(`${envOf('adminToken')}: \\$\\{${envOf('adminToken')}:\\?`))
    for (const key of ['seed', 'customers']) expect(fake).toContain(`${envOf(key)}: `)
    expect(service('nginx')).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro')
    for (const server of fakes) expect(service('nginx')).toMatch(new RegExp(`${server.replace(/:\d+$/, '')}:\\n\\s+condition: service_healthy`))
  })

  it('publishes the ports nginx listens on', () => {
    const ports = [...nginxConf.matchAll(/\blisten (\S+);/g)].map((m) => Number(m[1]))
    expect(ports).toEqual([PORT, 20068])
    for (const port of ports) expect(service('nginx')).toContain(`"127.0.0.1:${port}:${port}"`)
  })
})
