/**
 * Every upstream endpoint the fake serves: the one list the handlers, the CLI banner, the contracts,
 * the reference client and the tests read. One file per endpoint, under its path's group.
 */
import type { Endpoint } from '../core/endpoint.js'
import { listByRelationCreateTimeAsc } from './customer-relation/list-by-relation-create-time-asc.js'
import { echo } from './echo/echo.js'
import { listFields } from './customer/list-fields.js'
import { profileFields } from './profile-fields/profile-fields.js'
import { mapProfileField } from './profile-fields/map.js'
import { listTagTree } from './tags/list-tree.js'
import { listByQwUserId } from './customer-relation/list-by-qw-user-id.js'
import { getUsers } from './get-users.js'
import { userInfo } from './common/user-info.js'
import { userDepartment } from './contract/user-department.js'
import { listCluesByCreateTimeAsc } from './clue/list-by-create-time-asc.js'
import { listClueFollowUps } from './clue/list-follow-up.js'
import { addClue } from './add-clue.js'
import { editClueField } from './clue/edit-field.js'
import { qwDetails } from './customer/qw-details.js'
import { qwListByCustomer } from './customer/follow-qw-list-by-customer.js'
import { editRelationField } from './customer-relation/edit-field.js'
import { customerTransfer } from './customer-transfer/customer-transfer.js'
import { importCustomer } from './import-customer/import-customer.js'
import { updateCustomerById } from './customer/update-by-id.js'
import { customerSearch } from './customer/search.js'
import { customerInfo } from './common/customer-info.js'
import { saveHighseas } from './save-highseas.js'
import { pushRegister } from './push/register.js'

export { listByRelationCreateTimeAsc, getUsers, userInfo, userDepartment }
export { salesMemberSchema } from './get-users.js'
export { memberIdsSchema } from './common/user-info.js'
export { followedCustomerSchema } from './customer-relation/list-by-relation-create-time-asc.js'
export { echo, listFields, profileFields, mapProfileField, listTagTree, listByQwUserId }
export { fieldDefinitionItemSchema, listFieldsDataSchema } from './customer/list-fields.js'
export { profileFieldSchema } from './profile-fields/profile-fields.js'
export { tagGroupItemSchema, tagItemSchema } from './tags/list-tree.js'
export { qwUserFollowedCustomerSchema } from './customer-relation/list-by-qw-user-id.js'
export { listCluesByCreateTimeAsc, listClueFollowUps, addClue, editClueField }
export { leadItemSchema } from './clue/list-by-create-time-asc.js'
export { followUpItemSchema } from './clue/list-follow-up.js'
export { qwDetails, qwListByCustomer, editRelationField, customerTransfer, importCustomer, updateCustomerById }
export { qwDetailSchema } from './customer/qw-details.js'
export { qwFollowRecordSchema } from './customer/follow-qw-list-by-customer.js'
export { transferOutcomeSchema } from './customer-transfer/customer-transfer.js'
export { customerSearch }
export { searchedCustomerSchema } from './customer/search.js'
export { customerInfo }
export { customerIdsSchema } from './common/customer-info.js'
export { saveHighseas }
export { newCustomerIdsSchema } from './save-highseas.js'
export { pushRegister }

export const ENDPOINTS: readonly Endpoint[] = [
  listByRelationCreateTimeAsc,
  echo,
  listFields,
  profileFields,
  mapProfileField,
  listTagTree,
  listByQwUserId,
  getUsers,
  userInfo,
  userDepartment,
  listCluesByCreateTimeAsc,
  listClueFollowUps,
  addClue,
  editClueField,
  qwDetails,
  qwListByCustomer,
  editRelationField,
  customerTransfer,
  importCustomer,
  updateCustomerById,
  customerSearch,
  customerInfo,
  saveHighseas,
  pushRegister,
]
