"""The embedded broker's one account: user `opspanel` and the generated password."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, ClassVar

from amqtt.plugins.base import BaseAuthPlugin, BasePlugin


class PasswordAuth(BaseAuthPlugin):
    """amqtt auth plugin: the configured user and password only; anonymous refused."""

    @dataclass
    class Config:
        """The account (from the password file, handed in by `broker`)."""

        username: str = ""
        password: str = ""

    async def authenticate(self, *, session: Any) -> bool:
        """True for the right user name and password, False for anything else."""
        config = self.config
        user = session.username or ""
        password = session.password or ""
        if isinstance(password, bytes):
            password = password.decode("utf-8", errors="replace")
        if not config.username or not config.password:
            return False
        same_user = hmac.compare_digest(str(user).encode(), config.username.encode())
        same_password = hmac.compare_digest(str(password).encode(), config.password.encode())
        return same_user and same_password


class BrokerCounters(BasePlugin[Any]):
    """amqtt plugin counting clients and received messages (for `mqtt.status`)."""

    clients: ClassVar[set[str]] = set()
    messages: ClassVar[int] = 0

    async def on_broker_client_connected(self, client_id: str, client_session: Any) -> None:
        """A client connected."""
        BrokerCounters.clients.add(client_id)

    async def on_broker_client_disconnected(self, client_id: str, client_session: Any) -> None:
        """A client left."""
        BrokerCounters.clients.discard(client_id)

    async def on_broker_message_received(self, client_id: str, message: Any) -> None:
        """A client published a message."""
        BrokerCounters.messages += 1
