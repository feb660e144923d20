// A moderator's requests to roomctl-gate (docs/wire-format.md section 11:
// `urn:roomctl:gate:0`) and the acknowledgements it tracks for them
// (section 12.3: `urn:roomctl:ack:0`), from the panel's own session.
import { $iq } from '../vendor/strophe.esm.js';
import { buildControl, child } from './xmpp.js';

const NS_GATE = 'urn:roomctl:gate:0';
const NS_ACK = 'urn:roomctl:ack:0';
export const TRACK_SECONDS = 30; // how long the gate waits for the clients' answers
const RESULTS = ['applied', 'failed', 'unsupported', 'dropped', 'gone', 'waiting'];

// The <progress/> and <summary/> messages of each session's gate, by
// tracking id.  A message whose tracking the page does not know yet is kept
// until it does (the gate sends them after its answer, but a page may read
// the answer later).
const trackers = new WeakMap();
function trackerOf(session, gate) {
  let tracker = trackers.get(session);
  if (tracker) return tracker;
  tracker = { waiting: new Map(), early: new Map() };
  session.conn.addHandler((m) => {
    if ((m.getAttribute('from') || '').toLowerCase() !== gate) return true;
    for (const e of m.children) {
      if (e.namespaceURI !== NS_ACK || (e.localName !== 'progress' && e.localName !== 'summary')) continue;
      const id = e.getAttribute('id');
      const callback = tracker.waiting.get(id);
      if (callback) callback(e);
      else if (tracker.early.size < 100) tracker.early.set(id, [...(tracker.early.get(id) || []), e]);
    }
    return true;
  }, NS_ACK, 'message');
  trackers.set(session, tracker);
  return tracker;
}

// The counts of a <progress/> or <summary/>.
function counts(e) {
  const out = { total: Number(e.getAttribute('total') || 0) };
  for (const r of RESULTS) out[r] = Number(e.getAttribute(r) || 0);
  return out;
}

// The live line, as `roomctl publish --wait` shows it on a terminal.
export function progressLine(c) {
  let line = `applied ${c.applied}/${c.total} · failed ${c.failed}`;
  for (const r of ['unsupported', 'dropped', 'gone']) if (c[r]) line += ` · ${r} ${c[r]}`;
  return `${line} · waiting ${c.waiting}`;
}

// The summary, in roomctl's words: "applied on 2 of 3 clients; failed on
// 1: kiosk3@example.org/screen: slideshow: image is not a PNG or JPEG".
export function summaryLine(c, clients) {
  let line = `applied on ${c.applied} of ${c.total} clients`;
  for (const [result, how] of [['failed', 'failed on'], ['unsupported', 'unsupported on'],
    ['dropped', 'dropped by'], ['waiting', 'no answer from']]) {
    const these = clients.filter((k) => k.result === result || (result === 'waiting' && k.result === 'gone'));
    if (!these.length && !c[result]) continue;
    const n = c[result] + (result === 'waiting' ? c.gone : 0);
    line += `; ${how} ${n}: ` + these.map((k) => k.jid + (k.plugin ? `: ${k.plugin}` : '') +
      (k.result === 'gone' ? ' (went away)' : k.reason && result !== 'waiting' ? `: ${k.reason}` : '')).join(', ');
  }
  return line;
}

// The sentence a moderator reads for a refused request.  A refusal of the
// gate's own has a <failure/>; without one, the server
// answered for a gate that is not connected (Prosody: remote-server-timeout
// "Component unavailable"; others: service-unavailable).
function refusal(e, gate) {
  const failure = e.element ? child(e.element, 'failure', NS_GATE) : null;
  if (failure) return e.text || `the gate refused: ${failure.getAttribute('code')}`;
  if (e.condition === 'timeout') return `the gate ${gate} did not answer`;
  if (['remote-server-timeout', 'service-unavailable', 'remote-server-not-found'].includes(e.condition))
    return `the gate ${gate} is not available`;
  return e.text || e.message;
}

// Ask @gate to act on @room (section 11.2): @request is {op: 'publish',
// control} (the <control/> plain tree; the gate gives the item its id),
// {op: 'retract', id} or {op: 'purge'}.  The gate is asked to track the
// clients' acknowledgements; @onProgress(counts, line, done) is called with
// each progress and then once with the summary (done true).  Resolves with
// {done: "published ID to ROOM" …, tracked: whether the gate tracks};
// rejects with an Error whose message is the gate's reason.
export async function gateRequest(session, gate, room, request, onProgress) {
  gate = gate.toLowerCase();
  const tracker = trackerOf(session, gate);
  const attrs = { xmlns: NS_GATE, room };
  if (request.op === 'retract') attrs.item = request.id;
  const iq = $iq({ type: 'set', to: gate }).c(request.op, attrs);
  if (request.op === 'publish') iq.cnode(buildControl(request.control)).up();
  iq.c('track', { xmlns: NS_ACK, seconds: String(TRACK_SECONDS) });
  let answer;
  try {
    answer = await session.iq(iq, `${request.op} through ${gate}`);
  } catch (e) {
    throw new Error(refusal(e, gate));
  }
  const done = [...answer.children].find((c) => c.namespaceURI === NS_GATE);
  const item = done?.getAttribute('item');
  const line = request.op === 'purge' ? `purged ${room}`
    : `${request.op === 'publish' ? 'published' : 'retracted'} ${item} ${request.op === 'publish' ? 'to' : 'from'} ${room}`;
  const tracking = done ? child(done, 'tracking', NS_ACK) : null;
  if (!tracking) return { done: line, tracked: false };
  const id = tracking.getAttribute('id');
  // The gate's summary comes within TRACK_SECONDS; a gate that restarted
  // meanwhile sends none (section 12.5).
  const deadline = setTimeout(() => {
    tracker.waiting.delete(id);
    onProgress(null, `no summary from the gate ${gate} within ${TRACK_SECONDS + 5} s: the gate may have restarted`, true);
  }, (TRACK_SECONDS + 5) * 1000);
  const listen = (e) => {
    const c = counts(e);
    if (e.localName === 'progress') return onProgress(c, progressLine(c), false);
    clearTimeout(deadline);
    tracker.waiting.delete(id);
    const clients = [...e.children].filter((k) => k.localName === 'client').map((k) => ({
      jid: k.getAttribute('jid'), result: k.getAttribute('result'), plugin: k.getAttribute('plugin'), reason: k.textContent,
    }));
    onProgress(c, summaryLine(c, clients), true);
  };
  tracker.waiting.set(id, listen);
  const n = Number(tracking.getAttribute('clients') || 0);
  const start = { total: n, applied: 0, failed: 0, unsupported: 0, dropped: 0, gone: 0, waiting: n };
  onProgress(start, progressLine(start), false);
  for (const e of tracker.early.get(id) || []) listen(e);
  tracker.early.delete(id);
  return { done: line, tracked: true };
}
