#!/usr/bin/python3
"""An independent XMPP client (Debian's python3-slixmpp) driving roomctl-gate's
ad-hoc commands the way Gajim or Psi would, for tests/test_gate_integration.c.

    gate_adhoc_client.py --jid JID --password PW --host H --port P
                         --room ROOM --gate GATE --button NAME

Enters ROOM, lists the gate's commands, runs "ROOM: publish ui.button" with
button=NAME enabled=false, then again with a bad button name.  Prints one
JSON line per step ({"step": ..., ...}) and exits 0 when every step went as
a moderator would expect: 1 otherwise.
"""
import argparse
import asyncio
import json
import sys

import slixmpp

NS_COMMANDS = "http://jabber.org/protocol/commands"


def say(**fields):
    print(json.dumps(fields), flush=True)


class Client(slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.ok = False
        for plugin in ("feature_mechanisms", "xep_0004", "xep_0030", "xep_0045", "xep_0050", "xep_0122"):
            self.register_plugin(plugin)
        # The harness's Prosody on 127.0.0.1 offers no TLS.
        self["feature_mechanisms"].unencrypted_plain = True
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", lambda *_: self.disconnect())

    async def command(self, node, action, form=None, session=None):
        iq = self.Iq()
        iq["type"] = "set"
        iq["to"] = self.args.gate
        iq["command"]["node"] = node
        iq["command"]["action"] = action
        if session:
            iq["command"]["sessionid"] = session
        if form is not None:
            iq["command"].append(form)
        return await iq.send(timeout=10)

    async def publish(self, node, button):
        first = await self.command(node, "execute")
        form = first["command"]["form"]
        fields = {var: field["type"] for var, field in form.get_fields().items()}
        submit = self["xep_0004"].make_form(ftype="submit")
        submit.add_field(var="FORM_TYPE", ftype="hidden", value="urn:roomctl:0#ui.button")
        submit.add_field(var="button", value=button)
        submit.add_field(var="enabled", ftype="boolean", value=False)
        done = await self.command(node, "complete", submit, first["command"]["sessionid"])
        notes = done["command"]["notes"]
        return fields, done["command"]["status"], notes

    async def start(self, _):
        try:
            args = self.args
            await self["xep_0045"].join_muc_wait(args.room, "panel", maxstanzas=0, timeout=10)
            items = await self["xep_0030"].get_items(jid=args.gate, node=NS_COMMANDS, timeout=10)
            nodes = {item[1]: item[2] for item in items["disco_items"]["items"]}
            node = "publish/%s/ui.button" % args.room
            say(step="list", count=len(nodes), publish_button=nodes.get(node))
            fields, status, notes = await self.publish(node, args.button)
            say(step="publish", fields=fields, status=status, notes=notes)
            good = status == "completed" and notes and notes[0][0] == "info"
            fields, status, notes = await self.publish(node, "Not A Button!")
            say(step="bad-value", status=status, notes=notes)
            bad = status == "executing" and notes and notes[0][0] == "error" \
                and "field 'button'" in notes[0][1]
            self.ok = bool(node in nodes and good and bad)
        except Exception as error:  # report, never hang the test
            say(step="error", error=repr(error))
        finally:
            self.disconnect()


def main():
    parser = argparse.ArgumentParser()
    for name in ("jid", "password", "host", "room", "gate", "button"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    client = Client(args)
    client.connect((args.host, args.port), force_starttls=False, disable_starttls=True)
    loop = asyncio.get_event_loop()
    loop.run_until_complete(asyncio.wait_for(client.disconnected, 30))
    sys.exit(0 if client.ok else 1)


if __name__ == "__main__":
    main()
