/**
 * Every upstream endpoint the fake serves: the one list the handlers, the CLI banner, the contracts,
 * the reference client and the tests read. One file per endpoint, under its path's group.
 */
import type { Endpoint } from '../core/endpoint.js'
import { listByRelationCreateTimeAsc } from './customer-relation/list-by-relation-create-time-asc.js'
import { getUsers } from './get-users.js'
import { userInfo } from './common/user-info.js'
import { userDepartment } from './contract/user-department.js'

export { listByRelationCreateTimeAsc, getUsers, userInfo, userDepartment }
export { salesMemberSchema } from './get-users.js'
export { memberIdsSchema } from './common/user-info.js'
export { followedCustomerSchema } from './customer-relation/list-by-relation-create-time-asc.js'

export const ENDPOINTS: readonly Endpoint[] = [listByRelationCreateTimeAsc, getUsers, userInfo, userDepartment]
