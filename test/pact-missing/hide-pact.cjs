// Preloaded with `node --require`: resolves @pact-foundation/pact as a project without it would
// (MODULE_NOT_FOUND), to test what tanma-mock does there. Only the CommonJS resolver is patched:
// tanma-mock loads Pact with require() on first use.
const Module = require('node:module')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (request === '@pact-foundation/pact' || request.startsWith('@pact-foundation/pact/')) {
    const error = new Error(`Cannot find module '${request}'`)
    error.code = 'MODULE_NOT_FOUND'
    throw error
  }
  return resolve.call(this, request, ...rest)
}
