/**
 * The content of each push type, one zod schema per shape (docs/upstream.md §8): the type, the
 * validation and the documentation at once. Documented shapes keep the documented property names
 * and order (ids as strings where the docs say so: customer_contact_edit); the shapes the docs only
 * name are our choices (docs/fidelity.md, "Pushes"). Objects are strict: a property not in the
 * shape is refused (the trigger names it). Helper D builds the Pact message matchers from these.
 */
import { z } from 'zod'

const id = z.int().positive()
/** An id as text (customer_contact_edit: "ids as strings"). */
const idText = z.string().regex(/^[1-9]\d*$/, { error: 'expected an id as text (digits)' })
const qwTagId = z.string().regex(/^et[A-Za-z0-9_-]+$/, { error: 'expected a qwTagId: et and url-safe characters' })
const externalUserId = z.string().regex(/^w[mo][A-Za-z0-9_-]{30}$/, { error: 'expected an externalUserId: wm or wo and 30 url-safe characters' })
const qwUserId = z.string().min(1)
/** The properties a change gave, as the world's events name them. */
const changed = z.array(z.string())

/** The WeChat identity of one relation, as qw-details answers it (the six documented properties, in order). */
const qwCustomer = {
  externalUserId,
  unionId: z.string().nullable(),
  qwUserId,
  /** The mobiles the member noted (qw-details' `mobiles`; [] where it answers null). */
  mobiles: z.array(z.string()),
  wechatNickname: z.string().nullable(),
  wechatAvatar: z.string().nullable(),
}

export const PUSH_CONTENT_SCHEMAS = {
  /** The registration's confirmation push; the documented test vector says "hello". */
  register: z.string(),
  /** [doc] A member added a WeChat customer as a friend (a follow relation of a customer with a WeCom identity). */
  new_qw_customer: z.strictObject(qwCustomer),
  /** [choice] A WeChat customer's WeChat data as one member sees it changed: new_qw_customer's shape, plus `changed`. */
  edit_qw_customer: z.strictObject({ ...qwCustomer, changed }),
  /** [choice] A member's WeChat customer is gone (the relation was deleted, or its customer). */
  delete_qw_customer: z.strictObject({ externalUserId, qwUserId, customerId: id }),
  /** [doc] A corp tag or tag group was created, renamed or deleted. */
  change_corp_tag: z.strictObject({
    tagId: id,
    qwTagId,
    tagGroupId: id,
    tagGroupName: z.string(),
    tagGroupQwId: qwTagId,
    tagType: z.enum(['tag_group', 'tag']),
    currentName: z.string(),
    changeType: z.enum(['create', 'update', 'delete']),
    order: z.int().min(0),
  }),
  /** [doc] A member's customer tag changed (the world has no per-member tags: trigger only). */
  change_customer_tag: z.strictObject({
    userId: id,
    qwUserId,
    tagId: id,
    tagType: z.literal('tag'),
    currentName: z.string(),
    changeType: z.enum(['create', 'update', 'delete']),
    order: z.int().min(0),
  }),
  /** [doc] A customer gained or lost a tag (one push per tag), attributed to its first follower. */
  tag_info: z.strictObject({
    customerId: id,
    salesId: id,
    qwSalesId: qwUserId,
    tagId: id,
    qwTagId,
    qwTagName: z.string(),
    msgType: z.literal('tag_info'),
    tagGroupId: id,
    tagGroupName: z.string(),
    changeType: z.enum(['add_qw_tag', 'del_qw_tag']),
  }),
  /** [doc] A customer's contact (a follow relation, customer/search's contactList) was edited; ids as strings; a top-level eventId. */
  customer_contact_edit: z.strictObject({ customerId: idText, contactId: idText }),
  /** [choice] Follow data changed: a relation moved to another member, or a member's relation-level value was edited. */
  change_follow_data: z.strictObject({
    customerId: id,
    qwUserId,
    externalUserId: externalUserId.nullable(),
    changeType: z.enum(['transfer', 'edit']),
    /** The member before a transfer; null for an edit. */
    previousQwUserId: qwUserId.nullable(),
    changed,
  }),
  /** [choice] A Tanma customer was added, with its followers. */
  new_customer: z.strictObject({ customerId: id, type: z.union([z.literal(1), z.literal(2)]), qwUserIds: z.array(qwUserId) }),
  /** [choice] A Tanma customer's own data changed: the properties given. */
  edit_customer: z.strictObject({ customerId: id, changed }),
  /** [choice] A Tanma customer was deleted, with its relations. */
  delete_customer: z.strictObject({ customerId: id }),
  /** [choice] A lead (isClue true) or a customer waiting to be assigned (false) was added. */
  new_clue: z.strictObject({ customerId: id, isClue: z.boolean() }),
  /** [choice] A lead's values changed, or it was converted (`changed` ["isClue"]). */
  edit_clue: z.strictObject({ customerId: id, isClue: z.boolean(), changed }),
  /** [choice] A lead or waiting customer was deleted, with its follow-up records. */
  delete_clue: z.strictObject({ customerId: id, followUpIds: z.array(id) }),
  /** [choice] A follow-up record was written on a lead; `qwUserId` "" when the API wrote it. */
  new_follow_up: z.strictObject({ followUpId: id, customerId: id, type: z.union([z.literal(1), z.literal(2)]), qwUserId: z.string() }),
} as const

export type PushType = keyof typeof PUSH_CONTENT_SCHEMAS
export type PushContent<T extends PushType> = z.output<(typeof PUSH_CONTENT_SCHEMAS)[T]>
