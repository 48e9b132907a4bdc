"""A client written the way CodeBeaker's usage guide writes one: only the URL is ours.

    python codebeaker_client.py ws://opspanel:TOKEN@127.0.0.1:PORT/ws/jsonrpc

Creates a session, writes /workspace/script.py, runs it with execute_shell, checks
that it printed 20, closes the session; prints one JSON line of what it saw.
"""

from __future__ import annotations

import asyncio
import json
import sys

import websockets

SCRIPT = "numbers = [2, 4, 6, 8]\nprint(sum(numbers))\n"


async def main(url: str) -> int:
    async with websockets.connect(url) as ws:
        request_id = 0

        async def call(method: str, params: dict) -> dict:
            nonlocal request_id
            request_id += 1
            await ws.send(
                json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
            )
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == request_id:
                    return message

        created = await call("session.create", {"language": "python"})
        session_id = created["result"]["sessionId"]
        wrote = await call(
            "session.execute",
            {
                "sessionId": session_id,
                "command": {
                    "type": "write_file",
                    "path": "/workspace/script.py",
                    "content": SCRIPT,
                },
            },
        )
        ran = await call(
            "session.execute",
            {
                "sessionId": session_id,
                "command": {
                    "type": "execute_shell",
                    "commandName": "python3",
                    "args": ["/workspace/script.py"],
                },
            },
        )
        closed = await call("session.close", {"sessionId": session_id})
        seen = {
            "createdAt": created["result"]["createdAt"],
            "wrote": wrote["result"]["success"],
            "stdout": ran["result"]["result"]["stdout"],
            "exitCode": ran["result"]["result"]["exitCode"],
            "closed": closed["result"]["closed"],
        }
        print(json.dumps(seen))
        return 0 if seen["stdout"].strip() == "20" else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
