import { createMock, startServer, type MockOptions } from '../../mock/index.js'
import { probe } from '../../mock/probe/index.js'

/** A fake on 127.0.0.1 port 0 and its probe (fast: high qps, short back-off). */
export async function probed(options: MockOptions, run: { qps?: number; backoffMs?: number; stateFile?: string } = {}) {
  const mock = await createMock(options)
  const server = await startServer(mock, { port: 0 })
  try {
    const calibration = await probe({ baseUrl: server.baseUrl, appId: mock.credentials.appId, appKey: mock.credentials.appKey, qps: run.qps ?? 500, backoffMs: run.backoffMs ?? 20, ...(run.stateFile ? { stateFile: run.stateFile } : {}) })
    return { mock, calibration, journal: mock.admin.requests() }
  } finally {
    await server.close(0)
  }
}
