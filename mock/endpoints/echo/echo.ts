/**
 * POST …/v3/echo (对接测试, docs/upstream.md §7.1): the connection test a client runs first. Any
 * JSON body is taken (an empty one as `{}`); `data` is the body as received — our choice
 * (`--echo-data null` answers null instead), the real answer's `data` is not public.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'

const echoModule = defineEndpoint({
  path: '/v3/echo',
  title: '对接测试',
  source: 'clients',
  kind: 'read',
  dataSource: 'choice',
  example: { hello: 'tanmarket' },
  // Its keys are the known properties: none, since any body is echoed (see `check` below).
  request: () => z.object({}),
  /** Whatever JSON was sent, or null (`echoData: null`). */
  data: z.unknown(),
  message: 'success',
  serve({ context, body }) {
    return context.options.echoData === 'null' ? 'null' : JSON.stringify(body)
  },
})

/** Echo takes any JSON value, unchecked: no property is unknown to it, none is required. */
export const echo: typeof echoModule = {
  ...echoModule,
  check: (_options, body) => body as Record<string, never>,
  handle(context, body, note = {}, { log = context.logger, plan } = {}) {
    return echoModule.serve({ context, request: body as Record<string, never>, body, note, log, plan })
  },
}
