// How the moderator panel changes a room: the one function to change when
// requests go through the gate (issue 12) instead of straight to the node.
//
// Today each request is a XEP-0060 request to the room's control node as the
// logged-in account, which the server accepts only from the node's
// publishers (the room's moderators; a purge: its owner).  With the gate, it
// becomes the gate's request IQ, and the answer's acknowledgements (issue
// 13: "applied on 2 of 3") are reported through @onProgress.
//
// @session: a logged-in Session (js/xmpp.js); @room: the room's bare JID;
// @request: {op: 'publish', item, control} with item as Registry.validate()
// returned it (its id set) and control the <control/> plain tree
// (js/schemas.js); {op: 'retract', id}; or {op: 'purge'}.  Resolves with a
// line for the panel's log; rejects with an Error whose message a moderator
// reads.
export async function send(session, room, request, onProgress = () => {}) {
  let done;
  try {
    if (request.op === 'publish') {
      await session.publish(room, request.item.id, request.control);
      done = `published ${request.item.id} to ${room}`;
    } else if (request.op === 'retract') {
      await session.retract(room, request.id);
      done = `retracted ${request.id} from ${room}`;
    } else {
      await session.purge(room);
      done = `purged ${room}`;
    }
  } catch (e) {
    const account = session.jid.split('/')[0];
    if (e.condition === 'forbidden' || e.condition === 'not-authorized')
      throw new Error(`account ${account} may not ${request.op === 'publish' ? 'publish to' : request.op} room ${room}`);
    if (e.condition === 'item-not-found')
      throw new Error(request.op === 'retract' ? `room ${room} has no item ${request.id}`
                                               : `room ${room} has no control node (run \`roomctl room create ${room}\`)`);
    throw e;
  }
  onProgress({ done: true });
  return done;
}
