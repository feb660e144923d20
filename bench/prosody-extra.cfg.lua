-- What the benchmark adds to the test harness's Prosody (tests/harness/
-- prosody.c; bench/bench.py starts it as `rc-test-prosody --pubsub-max-items
-- 1000 --config-extra bench/prosody-extra.cfg.lua`).
Host "*"
  -- mod_storage_memory caps every node at storage_archive_item_limit items
  -- (default 1000), whatever its max_items: past it a publish fails with
  -- internal-server-error ("quota-limit" in the log).  The 1,000-key room
  -- takes live events on top, and the sync scaling fills a 10,000-key room.
  storage_archive_item_limit = 20000
  -- 1,000 subscribers connect at once.
  network_settings = { tcp_backlog = 1024 }
  -- No stream management: slixmpp does not enable it and libstrophe would,
  -- so the server does the same work for every client.  (Prosody warns
  -- "Duplicate option": this replaces the harness's list.)
  modules_disabled = { "s2s"; "smacks" }

-- Cheap subscribers: SASL ANONYMOUS, no accounts to make.
VirtualHost "anon.localhost"
  authentication = "anonymous"
