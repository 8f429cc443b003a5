// Provider states of the crm-sync consumer that the fake does not know, for
// `npx tanma-mock verify --pact contracts/examples/crm-sync-custom-states.pact.json --provider-state-setup contracts/examples/crm-sync-states.mjs`.
// Each handler gets the state's params and the fake: `fake.world` reads the world, `fake.admin`
// shapes it. What a handler returns is injected where the pact says `${name}`. The pact's states
// must all be here or built in (`tanma-mock verify` lists the ones it knows when one is missing).
export default {
  // The member follows exactly one customer, 王小明.
  'a member follows a VIP customer named 王小明': (_params, fake) => {
    const qwUserId = fake.world.members()[0].qwUserId
    for (const customer of [...fake.world.customers({ qwUserId })]) {
      for (const relation of fake.world.relationsOf(customer.customerId)) {
        if (relation.qwUserId === qwUserId) fake.admin.deleteRelation(relation.relationId)
      }
    }
    fake.admin.addCustomer({ type: 1, fields: { name: '王小明' }, followers: [{ qwUserId }] })
    return { qwUserId }
  },
  // A state of the consumer's own side (its CRM is empty): the fake's starting world is what it needs.
  'the CRM has synced nothing yet': () => {},
}
