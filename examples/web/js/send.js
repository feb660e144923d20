// How the moderator panel changes a room: through the room's gate when the
// page is told one (docs/wire-format.md section 11; acknowledgements:
// section 12.3), else straight to the room's nodes (section 7), as
// `roomctl` does with and without --gate.
import { gateRequest } from './gate.js';
import { eventsNode } from './xmpp.js';

// @session: a logged-in Session (js/xmpp.js), in the chat room when
// there is a gate (the gate checks the requester's live role there);
// @room: the room's bare JID; @gate: the gate's JID or ''; @request:
// {op: 'publish', item, control} with item as Registry.validate() returned
// it and control the <control/> plain tree (js/schemas.js); {op: 'retract',
// id}; or {op: 'purge'}.  @onProgress(counts, line, done) reports the
// clients' acknowledgements (gate only).  Resolves with a line for the
// panel's log; rejects with an Error whose message a moderator reads.
export async function send(session, room, gate, request, onProgress = () => {}) {
  if (gate) return (await gateRequest(session, gate, room, request, onProgress)).done;
  try {
    if (request.op === 'publish') {
      const id = request.item.kind === 'event' ? crypto.randomUUID() : request.item.id;
      await session.publish(room, id, request.control, request.item.kind === 'event' ? eventsNode(room) : undefined);
      return `published ${id} to ${room}`;
    }
    if (request.op === 'retract') {
      await session.retract(room, request.id);
      return `retracted ${request.id} from ${room}`;
    }
    await session.purge(room);
    return `purged ${room}`;
  } catch (e) {
    const account = session.jid.split('/')[0];
    if (e.condition === 'forbidden' || e.condition === 'not-authorized')
      throw new Error(`account ${account} may not ${request.op === 'publish' ? 'publish to' : request.op} room ${room}`);
    if (e.condition === 'item-not-found')
      throw new Error(request.op === 'retract' ? `room ${room} has no item ${request.id}`
                                               : `room ${room} has no control node (run \`roomctl room create ${room}\`)`);
    throw e;
  }
}
