/** How the floor finds the items of a request: the fields that select a page. */
export const keyOf = (body: Record<string, unknown>) => `${body.type ?? ''}|${body.qwUserId ?? ''}|${body.since ?? ''}|${body.cursor ?? ''}`
