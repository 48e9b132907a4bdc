"""Reaching an engine: on this machine, at a TLS URL, or on another machine over SSH.

A *target* names an engine; `open_endpoint` turns it into an `Endpoint`, the plain
data a client connects with (URL, token, TLS context, where to dial), plus a
`close()` that ends whatever was started to get there (an SSH tunnel):

- a workspace folder (or nothing: the per-user default): its ``api.json``;
- ``wss://host:port/rpc`` (or ``https://host:port``) and a private token file;
- ``ssh://[user@]host[:port][/workspace]``: the remote engine's ``api.json`` read
  over SSH, then a local forward to its loopback API (see `ssh`).

Used by `opspanel ctl` (through `ApiClient.from_endpoint`) and by the window
(``websockets.asyncio.client.connect(**endpoint.async_connect_kwargs())``).
No Qt here.

- `apifile`: ``api.json`` and token files (0600, refused otherwise)
- `target`: parsing a target; `endpoint`: the result; `errors`: one sentence each
- `tls`: the client's TLS context; `ssh`: the OpenSSH client, its errors, the tunnel
- `connect`: `open_endpoint`
"""
