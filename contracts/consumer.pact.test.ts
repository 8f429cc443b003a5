/**
 * Consumer contract of the reference client (contracts/client.ts) with the Tanma OpenAPI, one
 * interaction per case, written to contracts/pacts/. The responses are the documented shape
 * (matchers.ts); contracts/provider.pact.test.ts then verifies the fake against this file.
 */
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MatchersV3, PactV4 } from '@pact-foundation/pact'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEMO_CREDENTIALS } from '../mock/options.js'
import { CURSOR_PATTERN } from '../mock/protocol/cursor.js'
import { recorded } from './recorded.js'
import { TanmaClient, TanmaSignatureError, TanmaTimestampError, TanmaValidationError } from './client.js'
import { z } from 'zod'
import { DOCUMENTED_PAGE, emptyPage, errorResponse, followedCustomerPage, matchersFor, respondWith, signedJsonRequest } from './matchers.js'
import {
  GET_USERS_PATH, LIST_PATH, USER_DEPARTMENT_PATH, USER_INFO_PATH, echoEndpoint, listByQwUserIdEndpoint, listFieldsEndpoint, listTagTreeEndpoint, mapProfileFieldEndpoint,
  profileFieldsEndpoint, salesMemberPageSchema, userInfoSchema,
  qwDetailsEndpoint, qwListByCustomerEndpoint, editRelationFieldEndpoint, customerTransferEndpoint, importCustomerEndpoint, updateCustomerByIdEndpoint,
} from './schema.js'
import { CUSTOMER_INFO_PATH, CUSTOMER_SEARCH_PATH, SAVE_HIGHSEAS_PATH, customerIdsSchema, customerSearchPageSchema, newCustomerIdsSchema } from './schema.js'
import { ADD_CLUE_PATH, CLUE_EDIT_FIELD_PATH, CLUE_FOLLOW_UP_PATH, CLUE_LIST_PATH, addClueDataSchema, followUpPageSchema, leadPageSchema } from './schema.js'

const CONSUMER = 'tanma-reference-client'
const PROVIDER = 'tanma-openapi'
const PACT_DIR = fileURLToPath(new URL('./pacts/', import.meta.url))

const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: PACT_DIR, logLevel: 'error' })
const PATH = `/api${LIST_PATH}`
const clientOf = (url: string, appKey: string = DEMO_CREDENTIALS.appKey) => new TanmaClient({ baseUrl: `${url}/api`, appId: DEMO_CREDENTIALS.appId, appKey })

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

// Pact merges into an existing file: start from none, so a removed interaction does not linger.
beforeAll(() => rmSync(`${PACT_DIR}${CONSUMER}-${PROVIDER}.json`, { force: true }))

describe('the reference client against the documented Tanma API', () => {
  it('reads a first page: items in the documented shape and a cursor to the next', () =>
    pact
      .addInteraction()
      .uponReceiving('a first page of followed customers')
      .withRequest('POST', PATH, signedJsonRequest({ size: 2 }))
      .willRespondWith(200, respondWith(followedCustomerPage({ count: 2, nextCursor: 'cursor' })))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).listPage({ size: 2 })
        expect(page.list).toHaveLength(2)
        expect(page.nextCursor).toMatch(CURSOR_PATTERN)
      })))

  it('resumes from a cursor and stops on the last page (nextCursor null)', () => {
    const cursor = MatchersV3.fromProviderState('${cursorAfter2}', DOCUMENTED_PAGE.data.nextCursor!)
    return pact
      .addInteraction()
      .given('member dowen follows 3 customers')
      .uponReceiving('the last page of a member\'s customers')
      .withRequest('POST', PATH, signedJsonRequest({ qwUserId: 'dowen', size: 2, cursor }))
      .willRespondWith(200, respondWith(followedCustomerPage({ count: 1, exact: { qwUserId: 'dowen' }, nextCursor: null })))
      .executeTest(recorded(async (server) => {
        const pages = await collect(clientOf(server.url).pages({ qwUserId: 'dowen', size: 2, cursor: DOCUMENTED_PAGE.data.nextCursor! }))
        expect(pages).toHaveLength(1)
        expect(pages[0]!.list).toHaveLength(1)
        expect(pages[0]!.nextCursor).toBeNull()
      }))
  })

  it('lists one member\'s customers (qwUserId), every item followed by that member', () =>
    pact
      .addInteraction()
      .given('member dowen follows 3 customers')
      .uponReceiving('a page of one member\'s customers')
      .withRequest('POST', PATH, signedJsonRequest({ qwUserId: 'dowen', size: 100 }))
      .willRespondWith(200, respondWith(followedCustomerPage({ count: 3, exact: { qwUserId: 'dowen' }, nextCursor: null })))
      .executeTest(recorded(async (server) => {
        const customers = await collect(clientOf(server.url).followedCustomers({ qwUserId: 'dowen', size: 100 }))
        expect(customers.map((c) => c.qwUserId)).toEqual(['dowen', 'dowen', 'dowen'])
      })))

  it('lists enterprise customers (type 2) with their companyInfo', () =>
    pact
      .addInteraction()
      .uponReceiving('a page of enterprise customers')
      .withRequest('POST', PATH, signedJsonRequest({ type: 2, size: 3 }))
      .willRespondWith(200, respondWith(followedCustomerPage({ count: 3, exact: { type: 2 }, nextCursor: 'cursor' })))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).listPage({ type: 2, size: 3 })
        expect(page.list.every((c) => c.type === 2 && typeof c.companyInfo?.name === 'string')).toBe(true)
      })))

  it('gets nothing from an empty window, and the iterator ends at once', () => {
    const window = { since: '2021-01-01 00:00:00', before: '2021-02-01 00:00:00' }
    return pact
      .addInteraction()
      .given('no relations in the window', window)
      .uponReceiving('a window with no relations')
      .withRequest('POST', PATH, signedJsonRequest({ ...window, size: 100 }))
      .willRespondWith(200, respondWith(emptyPage()))
      .executeTest(recorded(async (server) => {
        expect(await collect(clientOf(server.url).followedCustomers({ ...window, size: 100 }))).toEqual([])
      }))
  })

  it('surfaces a bad signature (1002) as TanmaSignatureError', () =>
    pact
      .addInteraction()
      .uponReceiving('a request signed with the wrong appKey')
      .withRequest('POST', PATH, signedJsonRequest({ size: 20 }, { appId: DEMO_CREDENTIALS.appId, appKey: 'notTheAppKeyOfThisAppId000000000' }))
      .willRespondWith(200, respondWith(errorResponse('badSignature')))
      .executeTest(recorded(async (server) => {
        const error = await clientOf(server.url, 'notTheAppKeyOfThisAppId000000000').listPage({ size: 20 }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(TanmaSignatureError)
        expect((error as TanmaSignatureError).code).toBe(1002)
      })))

  it('surfaces a stale timestamp (1003) as TanmaTimestampError', () =>
    pact
      .addInteraction()
      .given('the server clock is 10 minutes ahead')
      .uponReceiving('a request whose timestamp is 10 minutes behind the server')
      .withRequest('POST', PATH, signedJsonRequest({ size: 20 }))
      .willRespondWith(200, respondWith(errorResponse('staleTimestamp')))
      .executeTest(recorded(async (server) => {
        const error = await clientOf(server.url).listPage({ size: 20 }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(TanmaTimestampError)
        expect((error as TanmaTimestampError).code).toBe(1003)
      })))

  it('surfaces a cursor the server cannot read (40000) as TanmaValidationError', () =>
    pact
      .addInteraction()
      .uponReceiving('a request with a cursor that does not decode')
      .withRequest('POST', PATH, signedJsonRequest({ size: 20, cursor: 'not-a-cursor' }))
      .willRespondWith(200, respondWith(errorResponse('validation')))
      .executeTest(recorded(async (server) => {
        const error = await clientOf(server.url).listPage({ size: 20, cursor: 'not-a-cursor' }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(TanmaValidationError)
        expect((error as TanmaValidationError).message).toMatch(/^40000 请求参数验证失败：/)
      })))

  // The catalog endpoints and the deprecated per-member list (issue 11): one interaction each.
  const envelope = (data: z.ZodType, message: 'success' | 'option' = 'success') =>
    z.object({ code: z.literal(0), message: message === 'success' ? z.literal('success') : z.enum(['ok', 'success']), data })
  const DOCUMENTED_FIELDS = [
    { id: 429, name: '电话', type: 8, outerField: null, stable: true, customerImportRequired: true },
    { id: 436, name: '性别', type: 2, outerField: null, items: [{ id: 0, name: '其它' }, { id: 1, name: '男' }, { id: 2, name: '女' }], stable: true, customerImportRequired: false },
    { id: 355, name: '生日', type: 3, outerField: null, stable: false, customerImportRequired: false },
  ]
  const DOCUMENTED_TREE = [{ name: '企业类型', id: 56970, qwTagId: 'etCBS_DwAA9lTDZhlMpv-jK8Ph9udv0A', tags: [{ id: 56972, name: '央企', qwTagId: 'etCBS_DwAAAdph7Ou6LgpwRqR66t5tDA' }] }]

  it('runs the connection test (echo): the body comes back', () =>
    pact
      .addInteraction()
      .uponReceiving('a connection test')
      .withRequest('POST', `/api${echoEndpoint.path}`, signedJsonRequest({ hello: 'tanmarket' }))
      .willRespondWith(200, respondWith({ body: { code: 0, message: 'success', data: { hello: 'tanmarket' } }, rules: {} }))
      .executeTest(recorded(async (server) => {
        expect(await clientOf(server.url).echo({ hello: 'tanmarket' })).toEqual({ hello: 'tanmarket' })
      })))

  it('reads the field definitions (list-fields)', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a request for the field definitions')
      .withRequest('POST', `/api${listFieldsEndpoint.path}`, signedJsonRequest({}))
      .willRespondWith(200, respondWith(matchersFor(envelope(listFieldsEndpoint.data), { code: 0, message: 'success', data: { fields: DOCUMENTED_FIELDS } })))
      .executeTest(recorded(async (server) => {
        const { fields } = await clientOf(server.url).listFields()
        expect(Number.isSafeInteger(fields[0]!.id)).toBe(true)
      })))

  it('reads the field definitions with their aliases (profile-fields)', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a request for the profile fields')
      .withRequest('POST', `/api${profileFieldsEndpoint.path}`, signedJsonRequest({}))
      .willRespondWith(200, respondWith(matchersFor(envelope(profileFieldsEndpoint.data), { code: 0, message: 'success', data: DOCUMENTED_FIELDS.map((f) => ({ ...f, alias: null })) })))
      .executeTest(recorded(async (server) => {
        const fields = await clientOf(server.url).profileFields()
        expect(Number.isSafeInteger(fields[0]!.id)).toBe(true)
      })))

  it('maps a field alias (profile-fields/map)', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a field alias for field 429')
      .withRequest('POST', `/api${mapProfileFieldEndpoint.path}`, signedJsonRequest({ fieldId: '429', alias: '电话号码' }))
      .willRespondWith(200, respondWith({ body: { code: 0, message: 'success', data: null }, rules: {} }))
      .executeTest(recorded(async (server) => {
        await expect(clientOf(server.url).mapProfileField(429, '电话号码')).resolves.toBeUndefined()
      })))

  it('reads the tag tree (tags/list-tree)', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a request for the tag tree')
      .withRequest('POST', `/api${listTagTreeEndpoint.path}`, signedJsonRequest({}))
      .willRespondWith(200, respondWith(matchersFor(envelope(listTagTreeEndpoint.data), { code: 0, message: 'success', data: DOCUMENTED_TREE })))
      .executeTest(recorded(async (server) => {
        const [group] = await clientOf(server.url).tagTree()
        expect(group!.tags.length).toBeGreaterThan(0)
      })))

  it('lists one member\'s customers through the deprecated list-by-qw-user-id', () => {
    const { externalUserId: _dropped, ...item } = DOCUMENTED_PAGE.data.list[0]!
    return pact
      .addInteraction()
      .given('member dowen follows 3 customers')
      .uponReceiving('a page of list-by-qw-user-id for dowen')
      .withRequest('POST', `/api${listByQwUserIdEndpoint.path}`, signedJsonRequest({ qwUserId: 'dowen', size: 100 }))
      .willRespondWith(200, respondWith(matchersFor(envelope(listByQwUserIdEndpoint.data, 'option'), { code: 0, message: 'ok', data: { list: [item], nextCursor: null } })))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).listByQwUserId({ qwUserId: 'dowen', size: 100 })
        expect(page.list.every((c) => c.qwUserId === 'dowen' && !('externalUserId' in c))).toBe(true)
      }))
  })
})

describe('the reference client against the staff endpoints', () => {
  /** A member as get-users lists it: the documented-departments member (its salesId and mobile are choices). */
  const MEMBER_EXAMPLE = { salesId: 3766, qwUserId: 'dowen', name: '董文', mobile: '18803561683', deleted: 0, departments: [{ departmentName: '探马企服', departmentId: 3765 }] }
  const envelope = (data: ShapedData) => ({ body: { code: 0, message: 'success', data: data.body }, rules: Object.fromEntries(Object.entries(data.rules).map(([k, v]) => [k.replace(/^\$/, '$.data'), v])) })
  type ShapedData = ReturnType<typeof matchersFor>

  it('get-users: a page of active members, each with its integer salesId', () =>
    pact
      .addInteraction()
      .uponReceiving('a first page of active members')
      .withRequest('POST', `/api${GET_USERS_PATH}`, signedJsonRequest({ pageNo: 1, pageSize: 20, deleted: 0 }))
      .willRespondWith(200, respondWith(envelope(matchersFor(salesMemberPageSchema, { result: [MEMBER_EXAMPLE], pageNo: 1, pageSize: 20, total: 1, totalPage: 1 }))))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).users({ pageNo: 1, pageSize: 20, deleted: 0 })
        expect(Number.isSafeInteger(page.result[0]!.salesId)).toBe(true)
        expect(page.pageNo).toBe(1)
      })))

  it('common/user/info: a member\'s ids by mobile (a JSON number)', () =>
    pact
      .addInteraction()
      .given('the fixture documented-departments')
      .uponReceiving('the ids of the member with mobile 18803561683')
      .withRequest('POST', `/api${USER_INFO_PATH}`, signedJsonRequest({ mobile: 18803561683 }))
      .willRespondWith(200, respondWith(envelope(matchersFor(userInfoSchema, { salesId: 3766, qwUserId: 'dowen' }))))
      .executeTest(recorded(async (server) => {
        expect(await clientOf(server.url).userByMobile(18803561683)).toEqual({ salesId: 3766, qwUserId: 'dowen' })
      })))

  it('contract/user-department: the documented answer, exactly', () =>
    pact
      .addInteraction()
      .given('the fixture documented-departments')
      .uponReceiving('the departments of member dowen (salesId 3766)')
      .withRequest('POST', `/api${USER_DEPARTMENT_PATH}`, signedJsonRequest({ qwUserId: 'dowen', salesId: 3766 }))
      .willRespondWith(200, respondWith({ body: { code: 0, message: 'success', data: [{ departmentName: '探马企服', departmentId: 3765 }] }, rules: {} }))
      .executeTest(recorded(async (server) => {
        expect(await clientOf(server.url).userDepartments({ qwUserId: 'dowen', salesId: 3766 })).toEqual([{ departmentName: '探马企服', departmentId: 3765 }])
      })))
})

describe('the reference client against the lead endpoints', () => {
  const okEnvelope = (data: z.ZodType) => z.object({ code: z.literal(0), message: z.literal('ok'), data })
  const successEnvelope = (data: z.ZodType) => z.object({ code: z.literal(0), message: z.literal('success'), data })
  /** The documented-examples fixture's lead: the documented start, the rest made up there. */
  const DOCUMENTED_LEAD = {
    customerId: 410983932389440, isClue: false, type: 1, fields: [{ field: 'customer_source', type: 2, valueAsText: '4' }], tagIds: [],
    createTime: '2021-05-11 15:16:01', lastUpdateTime: '2021-07-26 17:28:58', convertCustomerTime: '2021-05-20 10:02:37',
  }
  const DOCUMENTED_FOLLOW_UP = { id: 43438, type: 1, content: '电话沟通，客户有意向，约下周再联系', createTime: '2021-07-26 17:28:58', operator: { qwUserId: '', name: 'API' } }
  const ADD_CLUE = { customerName: '张三', mobiles: ['18803561678'], fields: [{ alias: '性别', fieldValue: 0 }] }

  it('clue/list-by-create-time-asc: a page of leads and waiting customers', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a page of leads by creation time')
      .withRequest('POST', `/api${CLUE_LIST_PATH}`, signedJsonRequest({ size: 100 }))
      .willRespondWith(200, respondWith(matchersFor(okEnvelope(leadPageSchema), { code: 0, message: 'ok', data: { list: [DOCUMENTED_LEAD], nextCursor: null } })))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).leads({ size: 100 })
        expect(typeof page.list[0]!.isClue).toBe('boolean')
      })))

  it('clue/list-follow-up: a lead\'s follow-up records', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a page of follow-up records of lead 410983932389440')
      .withRequest('POST', `/api${CLUE_FOLLOW_UP_PATH}`, signedJsonRequest({ customerId: 410983932389440, type: 1 }))
      .willRespondWith(200, respondWith(matchersFor(successEnvelope(followUpPageSchema), { code: 0, message: 'success', data: { list: [DOCUMENTED_FOLLOW_UP], nextCursor: null } })))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).leadFollowUps({ customerId: 410983932389440, type: 1 })
        expect(page.list[0]!.operator).toHaveProperty('qwUserId')
      })))

  it('add-clue: the new lead\'s customer id, a bare integer', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a new lead')
      .withRequest('POST', `/api${ADD_CLUE_PATH}`, signedJsonRequest(ADD_CLUE))
      .willRespondWith(200, respondWith(matchersFor(successEnvelope(addClueDataSchema), { code: 0, message: 'success', data: 497186786844992 })))
      .executeTest(recorded(async (server) => {
        expect(Number.isSafeInteger(await clientOf(server.url).addClue(ADD_CLUE))).toBe(true)
      })))

  it('add-clue: a mobile a lead already has is 40417 电话号码重复', () =>
    pact
      .addInteraction()
      .given('a lead has mobile 18803561678')
      .uponReceiving('a new lead with a repeated mobile')
      .withRequest('POST', `/api${ADD_CLUE_PATH}`, signedJsonRequest(ADD_CLUE))
      .willRespondWith(200, respondWith(errorResponse('duplicateMobile')))
      .executeTest(recorded(async (server) => {
        await expect(clientOf(server.url).addClue(ADD_CLUE)).rejects.toMatchObject({ code: 40417 })
      })))

  it('clue/edit-field: data null', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a change of a lead\'s field')
      .withRequest('POST', `/api${CLUE_EDIT_FIELD_PATH}`, signedJsonRequest({ customerId: 410983932389440, field: '生日', valueAsText: '1990-01-02' }))
      .willRespondWith(200, respondWith({ body: { code: 0, message: 'success', data: null }, rules: {} }))
      .executeTest(recorded(async (server) => {
        await expect(clientOf(server.url).editClueField(410983932389440, '生日', '1990-01-02')).resolves.toBeUndefined()
      })))
})

describe('the reference client against the WeChat reads and the customer writes', () => {
  /** The documented qw-details request example. */
  const EXTERNAL_USER_ID = 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng'
  const FRIEND = `member ZhuShanPeng has the WeCom friend ${EXTERNAL_USER_ID}`
  const ok = (data: z.ZodType) => z.object({ code: z.literal(0), message: z.literal('success'), data })
  const customerId = MatchersV3.fromProviderState('${customerId}', 497186786844992)
  const okNull = { body: { code: 0, message: 'success', data: null }, rules: {} }

  it('customer/qw-details: the WeChat identity of the documented external contact', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('the WeChat details of external contact wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng for ZhuShanPeng')
      .withRequest('POST', `/api${qwDetailsEndpoint.path}`, signedJsonRequest({ externalUserId: EXTERNAL_USER_ID, qwUserId: 'ZhuShanPeng' }))
      .willRespondWith(200, respondWith(matchersFor(ok(qwDetailsEndpoint.data), { code: 0, message: 'success', data: [{
        qwUserId: 'ZhuShanPeng', externalUserId: EXTERNAL_USER_ID, unionId: null, qwCustomerTime: '2021-06-02 20:04:41', mobiles: null,
        wechatNickname: '探马', wechatAvatar: 'https://wx.qlogo.cn/mmhead/Q3auHgzwzM4fgXgBvZk0YHBzLvQ3JzGM0ElnhAyWdZ6vXUeLWBBCcA/0', qwRemark: null,
      }] })))
      .executeTest(recorded(async (server) => {
        const [detail] = await clientOf(server.url).qwDetails({ externalUserId: EXTERNAL_USER_ID, qwUserId: 'ZhuShanPeng' })
        expect(detail!.externalUserId).toBe(EXTERNAL_USER_ID)
      })))

  it('customer/follow/qw-list-by-customer: the WeCom follow records of an external contact', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('the WeCom follow records of external contact wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng')
      .withRequest('POST', `/api${qwListByCustomerEndpoint.path}`, signedJsonRequest({ externalUserId: EXTERNAL_USER_ID }))
      .willRespondWith(200, respondWith(matchersFor(ok(qwListByCustomerEndpoint.data), { code: 0, message: 'success', data: [
        { id: 246484312, qwUserId: 'ZhuShanPeng', externalUserId: EXTERNAL_USER_ID, content: '修改了客户的信息:\n“客户来源: 转介绍”', followType: 2, gmtCreateTime: '2023-07-01 00:00:03' },
      ] })))
      .executeTest(recorded(async (server) => {
        const [record] = await clientOf(server.url).qwFollowRecords(EXTERNAL_USER_ID)
        expect(record!.externalUserId).toBe(EXTERNAL_USER_ID)
      })))

  it('customer-relation/edit-field: the documented request (描述)', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('a description set on ZhuShanPeng\'s customer')
      .withRequest('POST', `/api${editRelationFieldEndpoint.path}`, signedJsonRequest({ customerId, qwUserId: 'ZhuShanPeng', field: '描述', valueAsText: '老客户' }))
      .willRespondWith(200, respondWith(okNull))
      .executeTest(recorded(async (server) => {
        await expect(clientOf(server.url).editRelationField({ customerId: 497186786844992, qwUserId: 'ZhuShanPeng', field: '描述', valueAsText: '老客户' })).resolves.toBeUndefined()
      })))

  it('customer-transfer: the customer moves to the new member', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('a transfer of ZhuShanPeng\'s customer to michale (a member of the default world)')
      .withRequest('POST', `/api${customerTransferEndpoint.path}`, signedJsonRequest({ handoverToUserid: 'michale', customers: [{ qwUserId: 'ZhuShanPeng', customerId }] }))
      .willRespondWith(200, respondWith(matchersFor(ok(customerTransferEndpoint.data), { code: 0, message: 'success', data: [{ customerId: 497186786844992, qwUserId: 'ZhuShanPeng', moved: true, reason: null }] })))
      .executeTest(recorded(async (server) => {
        const [outcome] = await clientOf(server.url).transferCustomers('michale', [{ qwUserId: 'ZhuShanPeng', customerId: 497186786844992 }])
        expect(outcome!.moved).toBe(true)
      })))

  it('import-customer: the documented request answers the new customer id', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('a personal customer imported for ZhuShanPeng')
      .withRequest('POST', `/api${importCustomerEndpoint.path}`, signedJsonRequest({ qwUserId: 'ZhuShanPeng', fields: [{ alias: 'customer_ch_phone', values: ['13812345678'] }, { alias: 'name', values: ['王小明'] }] }))
      .willRespondWith(200, respondWith(matchersFor(ok(importCustomerEndpoint.data), { code: 0, message: 'success', data: 497186786844992 })))
      .executeTest(recorded(async (server) => {
        expect(Number.isSafeInteger(await clientOf(server.url).importCustomer('ZhuShanPeng', [{ alias: 'customer_ch_phone', values: ['13812345678'] }, { alias: 'name', values: ['王小明'] }]))).toBe(true)
      })))

  it('customer/update-by-id: a customer\'s profile values by alias', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('a name set on a customer by id')
      .withRequest('POST', `/api${updateCustomerByIdEndpoint.path}`, signedJsonRequest({ customerId, fields: [{ alias: 'name', values: ['王小明'] }] }))
      .willRespondWith(200, respondWith(okNull))
      .executeTest(recorded(async (server) => {
        await expect(clientOf(server.url).updateCustomer(497186786844992, [{ alias: 'name', values: ['王小明'] }])).resolves.toBeUndefined()
      })))

  it('customer/search: the customer by id, a page of one', () =>
    pact
      .addInteraction()
      .given(FRIEND)
      .uponReceiving('a search for ZhuShanPeng\'s customer by id')
      .withRequest('POST', `/api${CUSTOMER_SEARCH_PATH}`, signedJsonRequest({ customerId, pageNo: 1, pageSize: 10 }))
      .willRespondWith(200, respondWith(matchersFor(ok(customerSearchPageSchema), { code: 0, message: 'success', data: { totalPage: 1, pageNo: 1, pageSize: 10, total: 1, data: [{
        customerId: 497186786844992, wechatNickname: '探马', qwRemark: '老客户', isFriend: true, deleteStatus: 0, birthday: '1990-01-01', sendChatCount: 3, replyChatCount: 1,
        shareFollows: [], tags: ['高意向'], contentTags: [], createTime: '2023-07-01 00:00:00', getCreateTime: '2023-07-01 00:00:00', mainFollows: [{ salesName: 'ZhuShanPeng', followDeptNames: ['探马企服'] }],
        qwLastFollowTime: '2023-07-01 00:00:00', state: 'qrcode_expo', contactList: [{ qwUserId: 'ZhuShanPeng', qwCustomerTime: '2023-07-01 00:00:00' }],
        groupList: [{ chatName: '客户交流群' }], signNum: 2, pointCredit: 120, pointScore: 80, salesStageName: '初步接触',
        externalUserId: EXTERNAL_USER_ID, unionId: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', qwSalesId: 3766, salesDeptNames: '["探马企服"]',
      }] } })))
      .executeTest(recorded(async (server) => {
        const page = await clientOf(server.url).searchCustomers({ customerId: 497186786844992, pageNo: 1, pageSize: 10 })
        expect(page.data[0]!.customerId).toBe(497186786844992)
        expect(page.totalPage).toBe(1)
      })))

  it('common/customer/info: the ids of the customers with a name', () =>
    pact
      .addInteraction()
      .uponReceiving('the ids of the customers named by a name no customer has')
      .withRequest('POST', `/api${CUSTOMER_INFO_PATH}`, signedJsonRequest({ field: { fieldId: '姓名', values: '无此客户' } }))
      .willRespondWith(200, respondWith(matchersFor(ok(customerIdsSchema), { code: 0, message: 'success', data: [] })))
      .executeTest(recorded(async (server) => {
        const ids = await clientOf(server.url).customerIdsByField('姓名', '无此客户')
        expect(ids.every((id) => Number.isSafeInteger(id))).toBe(true)
      })))

  it('save-highseas: a customer waiting to be assigned, by field id; its new id', () =>
    pact
      .addInteraction()
      .given('the fixture documented-examples')
      .uponReceiving('a new customer for the high seas with phone 13912345679 (field 429)')
      .withRequest('POST', `/api${SAVE_HIGHSEAS_PATH}`, signedJsonRequest([{ fields: [{ id: 429, value: ['13912345679'] }] }]))
      .willRespondWith(200, respondWith(matchersFor(ok(newCustomerIdsSchema), { code: 0, message: 'success', data: [497186786844992] })))
      .executeTest(recorded(async (server) => {
        const ids = await clientOf(server.url).saveHighseas([{ fields: [{ id: 429, value: ['13912345679'] }] }])
        expect(ids.length).toBe(1)
      })))
})
