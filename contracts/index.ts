/**
 * tanma-mock/contracts: the documented shape as zod schemas and Pact matchers, a typed reference
 * client, provider states and the verifier that checks any consumer's pact against the fake.
 */
export * from './schema.js'
export * from './client.js'
export {
  DOCUMENTED_PAGE,
  EXAMPLE_TIMESTAMP,
  canonicalJson,
  emptyPage,
  errorResponse,
  followedCustomerPage,
  matchersFor,
  respondWith,
  signedHeaders,
  signedJsonRequest,
  type FollowedCustomerOptions,
  type JsonRequestBuilder,
  type JsonResponseBuilder,
  type OrRules,
  type PageOptions,
  type ShapedBody,
} from './matchers.js'
export { BUILT_IN_STATES, ProviderStates, type StateHandler, type StateValues } from './provider-states.js'
export { pactFiles, verifyPacts, type Mismatch, type VerifyOptions, type VerifyResult } from './verify.js'
export { recorded } from './recorded.js'
export {
  PUSH_EXAMPLE,
  PUSH_TYPES_WITH_EVENT_ID,
  messageWith,
  pushContentSchemas,
  pushMessage,
  pushMessageBody,
  type MessageContentBuilder,
  type PushMessageOptions,
} from './push-matchers.js'
