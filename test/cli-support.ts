/** The real CLI as the tests spawn it (through tsx, from the sources), and `serve` started on it. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Node arguments that run the CLI. Absolute paths: some tests run it in another working directory (where its config file is). */
export const CLI = ['--import', new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../mock/cli.ts', import.meta.url))]

/**
 * Starts `serve` (`--port 0` unless `port: false`, for a port from elsewhere): the process at once (to
 * stop it whatever happens) and its banner and origin once it listens.
 */
export function serveCli(args: readonly string[], env: Record<string, string> = {}, { cwd, port = true }: { cwd?: string; port?: boolean } = {}): { child: ChildProcess; ready: Promise<{ banner: string; origin: string }> } {
  const child = spawn(process.execPath, [...CLI, 'serve', ...(port ? ['--port', '0'] : []), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const ready = new Promise<{ banner: string; origin: string }>((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /listening\s+(http:\/\/\S+)/.exec(out)
      if (m && out.includes('Ctrl-C')) resolve({ banner: out, origin: m[1]! })
    })
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
  })
  return { child, ready }
}
