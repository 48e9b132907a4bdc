"""The local API: JSON-RPC 2.0 over WebSocket on loopback, and the `opspanel ctl` client.

- `rpc`: the transport-free dispatcher (`RpcRegistry`, `RpcContext`, `RpcError`, codes)
- `server`: `ApiServer` (asyncio, no Qt): auth, /health, limits, topic notifications
- `apifile`: `api.json` (port and token, mode 0600), kept in `panel.remote.apifile`
- `listen`: where the API listens (loopback, or any address with TLS)
- `client`: `ApiClient`, a blocking client; `ctl`: the `opspanel ctl` command
"""
