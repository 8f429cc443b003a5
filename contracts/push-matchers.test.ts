/** The push message matchers (push-matchers.ts), built from the fake's own content schemas (mock/push/contents.ts). */
import { describe, expect, it } from 'vitest'
import { PUSH_TYPES } from '../mock/push/messages.js'
import { pushContentSchemas, pushMessageBody } from './push-matchers.js'

describe('push matchers', () => {
  it('pin type exactly, noise and msgId as integers, and the content by its schema', () => {
    const { body, rules } = pushMessageBody('new_qw_customer', { exact: { qwUserId: 'dowen' } }) as { body: Record<string, any>; rules: Record<string, any> }
    expect(body.type).toBe('new_qw_customer')
    expect(body.noise).toMatchObject({ 'pact:matcher:type': 'integer' })
    expect(body.msgId).toMatchObject({ 'pact:matcher:type': 'integer' })
    expect(body.eventId).toBeUndefined()
    expect(body.content.qwUserId).toBe('dowen')
    expect(body.content.externalUserId).toMatchObject({ 'pact:matcher:type': 'regex' })
    expect(body.content.mobiles).toMatchObject({ 'pact:matcher:type': 'type', min: 0 })
    // unionId, nickname and avatar are "text or null" in the schema: an OR rule each.
    expect(rules['$.content.unionId']).toMatchObject({ combine: 'OR' })
  })

  it('know every type the fake pushes, from its own schemas', () => {
    expect(Object.keys(pushContentSchemas()).sort()).toEqual([...PUSH_TYPES].sort())
  })

  it('customer_contact_edit: an eventId (any text) and string ids matching their pattern', () => {
    const { body } = pushMessageBody('customer_contact_edit') as { body: Record<string, any> }
    expect(body.eventId).toMatchObject({ 'pact:matcher:type': 'type' })
    expect(body.content.customerId).toMatchObject({ 'pact:matcher:type': 'regex', regex: '^[1-9]\\d*$' })
    expect(body.content.customerId.value).toMatch(/^[1-9]\d*$/)
  })

  it('refuse an unknown type and an example that is not the type\'s content, naming them', () => {
    expect(() => pushMessageBody('no_such_type')).toThrow(/no content schema for push type "no_such_type"; known: .*register/)
    expect(() => pushMessageBody('new_qw_customer', { example: { externalUserId: 1 } })).toThrow(/not a new_qw_customer content: externalUserId/)
  })
})
