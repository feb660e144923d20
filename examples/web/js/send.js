// How the moderator panel sends an item: the one function to change when
// items go through the gate (issue 12) instead of straight to the node.
//
// Today: a XEP-0060 publish to the room's control node as the logged-in
// account, which the server accepts only from the node's publishers (the
// room's moderators).  With the gate, this becomes the gate's request IQ,
// and the answer's acknowledgements (issue 13: "applied on 2 of 3") are
// reported through @onProgress.
//
// @session: a logged-in Session (js/xmpp.js); @room: the room's bare JID;
// @item: {id, type, ...} as Registry.validate() returned it; @control: the
// <control/> to send, as a plain tree (js/schemas.js).  Resolves with a
// line for the panel's log; rejects with an Error whose message a moderator
// reads.
export async function sendItem(session, room, item, control, onProgress = () => {}) {
  try {
    await session.publish(room, item.id, control);
  } catch (e) {
    if (e.condition === 'forbidden' || e.condition === 'not-authorized')
      throw new Error(`account ${session.jid.split('/')[0]} may not publish to room ${room}`);
    if (e.condition === 'item-not-found')
      throw new Error(`room ${room} has no control node (run \`roomctl room create ${room}\`)`);
    throw e;
  }
  onProgress({ published: true });
  return `published ${item.id} to ${room}`;
}
