// Provider states of the crm-sync consumer that the fake does not know, for
// `npm run verify -- --pact contracts/examples/crm-sync-custom-states.pact.json --provider-state-setup contracts/examples/crm-sync-states.mjs`.
// Each handler gets the state's params and the fake (its admin functions shape the world); what it
// returns is injected where the pact says `${name}`.
export default {
  'a member follows a VIP customer named 王小明': (_params, fake) => {
    const qwUserId = fake.world.memberList[0].qwUserId
    const world = fake.admin.exportWorld()
    world.relations = world.relations.filter((r) => r.qwUserId !== qwUserId)
    return fake.admin.loadWorld(world).then(() => {
      fake.admin.addCustomer({ type: 1, fields: { name: '王小明' }, followers: [{ qwUserId }] })
      return { qwUserId }
    })
  },
}
