/** Options are defined once (mock/options.ts): the committed JSON Schema and docs table are what the schema generates. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { configSchemaText, docsWithTable, DOCS_FILE, SCHEMA_FILE } from '../schema/generate.js'
import { configFileSchema, mockOptionsSchema, optionsFromSettings, SETTINGS, SettingsError } from '../mock/options.js'

describe('one definition per option', () => {
  it('the committed config-file JSON Schema is the generated one (npm run schema rewrites it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(configSchemaText())
  })

  it("docs/cli.md's options table is the generated one (npm run schema rewrites it)", () => {
    const docs = readFileSync(DOCS_FILE, 'utf8')
    expect(docs).toBe(docsWithTable(docs))
  })

  it('every setting has a flag, a TANMA_ variable and a config key unless flag-only, and a description', () => {
    const flags = new Set<string>()
    for (const s of SETTINGS) {
      expect(flags.has(s.flag), s.flag).toBe(false)
      flags.add(s.flag)
      expect(s.description, s.key).not.toBe('')
      if (s.meta.flagOnly) continue
      expect(s.env[0]).toBe(`TANMA_${s.flag.toUpperCase().replace(/-/g, '_')}`)
      expect(Object.keys(configFileSchema.shape)).toContain(s.key)
    }
    expect(SETTINGS.find((s) => s.key === 'appId')!.env).toEqual(['TANMA_APP_ID'])
    expect(SETTINGS.find((s) => s.key === 'port')!.env).toEqual(['TANMA_PORT', 'PORT'])
  })

  it('settings become createMock options, naming the setting of each wrong value', () => {
    const { mock, commandLine } = optionsFromSettings({ seed: 's', latency: '5', realistic: true, verbose: true, port: 0 })
    expect(mock.seed).toBe('s')
    expect(mock.log).toBe('text') // --verbose is --log text
    expect((mock.faults as { kind: string }[]).map((r) => r.kind)).toEqual(['latency', 'shortPage', 'duplicateEdge'])
    expect(commandLine.port).toBe(0)
    const error = (() => {
      try {
        optionsFromSettings({ latency: 'soon', customers: -1 })
      } catch (e) {
        return e as SettingsError
      }
    })()
    expect(error).toBeInstanceOf(SettingsError)
    expect(error!.issues.map((i) => i.key).sort()).toEqual(['customers'])
    expect(() => optionsFromSettings({ latency: 'soon' })).toThrow(/latency: expected milliseconds/)
  })

  it('in-process options keep their own names in errors', () => {
    expect(mockOptionsSchema.safeParse({ sizeDefault: 500 }).error?.issues[0]?.path).toEqual(['sizeDefault'])
  })
})
