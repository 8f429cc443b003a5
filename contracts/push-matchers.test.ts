/** The push message matchers (push-matchers.ts), with the fake's content schemas as mock/push/messages.ts will export them. */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'

// The messages module's content schemas (PUSH_CONTENT_SCHEMAS), as the messages work exports them: they win over the placeholders.
vi.mock('../mock/push/messages.js', async (original) => ({
  ...(await original<typeof import('../mock/push/messages.js')>()),
  PUSH_CONTENT_SCHEMAS: {
    register: z.string(),
    customer_contact_edit: z.object({ customerId: z.string().regex(/^\d+$/), contactId: z.string().regex(/^\d+$/) }),
    edit_qw_customer: z.object({ externalUserId: z.string(), remark: z.string().nullable() }),
    not_a_schema: { hello: 1 },
  },
}))

const { pushContentSchemas, pushMessageBody } = await import('./push-matchers.js')

describe('push matchers', () => {
  it('pin type exactly, noise and msgId as integers, and the content by its schema', () => {
    const { body, rules } = pushMessageBody('new_qw_customer', { exact: { qwUserId: 'dowen' } }) as { body: Record<string, any>; rules: object }
    expect(body.type).toBe('new_qw_customer')
    expect(body.noise).toMatchObject({ 'pact:matcher:type': 'integer' })
    expect(body.msgId).toMatchObject({ 'pact:matcher:type': 'integer' })
    expect(body.eventId).toBeUndefined()
    expect(body.content.qwUserId).toBe('dowen')
    expect(body.content.externalUserId).toMatchObject({ 'pact:matcher:type': 'type' })
    expect(body.content.mobiles).toMatchObject({ 'pact:matcher:type': 'type', min: 0 })
    expect(rules).toEqual({})
  })

  it('take the fake\'s content schemas over the placeholders, and only zod schemas', () => {
    const schemas = pushContentSchemas()
    expect(Object.keys(schemas).sort()).toEqual(['customer_contact_edit', 'edit_qw_customer', 'new_qw_customer', 'register'])
  })

  it('customer_contact_edit: an eventId (any text) and string ids matching their pattern, with an example made from the schema', () => {
    const { body } = pushMessageBody('customer_contact_edit') as { body: Record<string, any> }
    expect(body.eventId).toMatchObject({ 'pact:matcher:type': 'type' })
    expect(body.content.customerId).toMatchObject({ 'pact:matcher:type': 'regex', regex: '^\\d+$', value: '410983932389440' })
  })

  it('a nullable content property is "text or null" (an OR rule at its path)', () => {
    const { body, rules } = pushMessageBody('edit_qw_customer', { example: { externalUserId: 'wm1', remark: null } }) as { body: Record<string, any>; rules: Record<string, any> }
    expect(body.content.remark).toBeNull()
    expect(rules['$.content.remark']).toEqual({ combine: 'OR', matchers: [{ match: 'regex', regex: '^[\\s\\S]*$' }, { match: 'null' }] })
  })

  it('refuse an unknown type and an example that is not the type\'s content, naming them', () => {
    expect(() => pushMessageBody('no_such_type')).toThrow(/no content schema for push type "no_such_type"; known: .*register/)
    expect(() => pushMessageBody('new_qw_customer', { example: { externalUserId: 1 } })).toThrow(/not a new_qw_customer content: externalUserId/)
  })
})
