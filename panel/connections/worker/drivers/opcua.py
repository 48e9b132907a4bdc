"""OPC UA through asyncua's Client: polled blocks, subscription blocks, typed writes.

One client, one session, one socket. asyncua's own auto-reconnect stays off: when its
watchdog (or a dead publish loop) notices the server is gone, the driver marks the link
lost and the worker reconnects with its backoff, on a new driver that creates the
subscriptions again.

- A polled block reads all its nodes in ONE Read request per cycle.
- A subscribe block is one subscription (publishing interval = the block's `periodMs`)
  with one monitored item per tag (sampling interval `samplingMs`, else the publishing
  interval; an absolute-deadband DataChangeFilter when the tag's or the block's
  `deadband` is set). A notification batch becomes ONE `tags` message.
- A node id that does not parse, or that the server does not know, makes that tag bad
  with the reason (BadNodeIdUnknown, ...): the rest of the connection carries on.
- A write converts each JSON value to the node's current VariantType (read first, in
  one request) and writes them all in one Write request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from asyncua import Client, ua
from asyncua.common.subscription import Subscription
from asyncua.ua.uaerrors import UaError

from panel.connections.worker.config import BlockConfig, ConnectionConfig, TagConfig
from panel.connections.worker.drivers.base import (
    BAD,
    ConnectionLost,
    Driver,
    TagValue,
    ValuesCallback,
    WriteFailed,
    WriteItem,
)
from panel.connections.worker.drivers.opcua_values import tag_value, to_variant
from panel.connections.worker.timing import BlockStats

ITEMS_PER_REQUEST = 1000
"""Monitored items created per CreateMonitoredItems request (servers cap the count)."""
WATCHDOG_S = 1.0
"""How often asyncua probes the server's state when nothing else shows a dead link."""
LINK_ERRORS = (ConnectionError, OSError, TimeoutError, asyncio.TimeoutError)

for _name in ("asyncua.client.client", "asyncua.client.ua_session", "asyncua.client.ua_client"):
    # A lost link is our normal business (state messages say it); asyncua would print
    # a traceback per dead request on stderr.
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def parse_node(text: str) -> ua.NodeId | str:
    """The NodeId of `text`, or the reason it is not one."""
    try:
        return ua.NodeId.from_string(text)
    except (ValueError, UaError, TypeError, IndexError, KeyError):
        return f"invalid node id {text!r}"


class _BlockSubscription(Subscription):
    """A subscription that turns each publish response into one batch of TagValues.

    asyncua's handler mode schedules one task per changed item; at thousands of items
    per second that is the cost that makes lag grow, so the batch is decoded here.
    """

    def __init__(
        self,
        client: Client,
        params: ua.CreateSubscriptionParameters,
        tags: dict[int, TagConfig],
        on_values: ValuesCallback,
        on_status: Callable[[ua.StatusCode], None],
    ) -> None:
        super().__init__(client.uaclient.session, params, handler=None, queue_maxsize=1)
        self.tags = tags
        self._on_values = on_values
        self._on_status = on_status

    async def publish_callback(self, publish_result: ua.PublishResult) -> None:
        """Decode every data change of one publish response and hand them over at once."""
        self.last_publish_at = time.monotonic()
        message = publish_result.NotificationMessage
        if message.NotificationData is None:
            return
        self.last_sequence_number = int(message.SequenceNumber)
        now = time.time()
        values: list[TagValue] = []
        for notification in message.NotificationData:
            if isinstance(notification, ua.DataChangeNotification):
                for item in notification.MonitoredItems:
                    tag = self.tags.get(item.ClientHandle)
                    if tag is not None and item.Value is not None:
                        values.append(tag_value(tag, item.Value, now))
            elif isinstance(notification, ua.StatusChangeNotification):
                self._on_status(notification.Status)
        if values:
            self._on_values(values)


class OpcUaDriver(Driver):
    """One OPC UA session (one socket) to one server endpoint."""

    def __init__(self, config: ConnectionConfig, log: Callable[[str, str], None]) -> None:
        super().__init__(config, log)
        self._client: Client | None = None
        self._nodes: dict[str, ua.NodeId | str] = {}
        self._subscriptions: list[_BlockSubscription] = []
        self._handle = 0

    # ---- the link --------------------------------------------------------------------

    @property
    def _timeout(self) -> float:
        return self.config.timeout_ms / 1000.0

    def _endpoint(self) -> str:
        return str(self.config.endpoint or f"opc.tcp://{self.config.host}:{self.config.port}")

    async def connect(self) -> None:
        """Open the socket, the secure channel and the session (bounded by timeoutMs each)."""
        client = Client(self._endpoint(), timeout=self._timeout, watchdog_intervall=WATCHDOG_S)
        client.connection_lost_callback = self._on_connection_lost
        self._client = client
        try:
            await asyncio.wait_for(client.connect(), 4 * self._timeout + 0.5)
        except (*LINK_ERRORS, UaError) as exc:
            client.disconnect_socket()
            why = str(exc) or type(exc).__name__
            raise ConnectionLost(f"connect to {self._endpoint()} failed: {why}") from exc

    async def _on_connection_lost(self, exc: Exception) -> None:
        self.mark_lost(f"connection to {self._endpoint()} lost: {exc or type(exc).__name__}")

    def _on_status(self, status: ua.StatusCode) -> None:
        if not status.is_good():
            self.mark_lost(f"subscription ended: {status.name}")

    async def close(self) -> None:
        """Close the session and the socket; bounded, since the server may be gone."""
        client, self._client = self._client, None
        self._subscriptions = []
        self.lost.set()
        if client is None:
            return
        try:
            await asyncio.wait_for(client.disconnect(), self._timeout + 0.5)
        except (*LINK_ERRORS, UaError, asyncio.CancelledError):
            pass
        finally:
            client.disconnect_socket()
            session_task = client.uaclient.session._publish_task
            if session_task is not None and not session_task.done():
                session_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait([session_task], timeout=1.0)

    def configure(self, config: ConnectionConfig) -> None:
        """New blocks and tags: forget parsed node ids."""
        super().configure(config)
        self._nodes.clear()

    def _live_client(self) -> Client:
        if self._client is None or self.lost.is_set():
            raise ConnectionLost(self.lost_reason or f"connection to {self._endpoint()} lost")
        return self._client

    def _node(self, block: BlockConfig, tag: TagConfig) -> ua.NodeId | str:
        text = block.tag_node(tag)
        if text is None:
            return "no node id"
        node = self._nodes.get(text)
        if node is None:
            node = self._nodes[text] = parse_node(text)
        return node

    # ---- polled blocks ---------------------------------------------------------------

    async def read_block(self, block: BlockConfig, stats: BlockStats) -> list[TagValue]:
        """Read every tag's node in one Read request."""
        client = self._live_client()
        now = time.time()
        values: dict[str, TagValue] = {}
        wanted: list[tuple[TagConfig, ua.NodeId]] = []
        for tag in block.tags:
            node = self._node(block, tag)
            if isinstance(node, str):
                values[tag.name] = TagValue(tag.name, None, BAD, now, node)
            else:
                wanted.append((tag, node))
        if wanted:
            stats.requests += 1
            results = await self._read(client, [node for _, node in wanted], stats)
            if isinstance(results, str):
                for tag, _ in wanted:
                    values[tag.name] = TagValue(tag.name, None, BAD, now, results)
            else:
                for (tag, _), data in zip(wanted, results, strict=True):
                    values[tag.name] = tag_value(tag, data, now)
        return [values[tag.name] for tag in block.tags]

    async def _read(
        self, client: Client, nodes: list[ua.NodeId], stats: BlockStats
    ) -> list[ua.DataValue] | str:
        """The DataValues of `nodes`, or why the whole request failed (link errors raise)."""
        try:
            return await client.uaclient.read_attributes(nodes, ua.AttributeIds.Value)
        except ua.UaStatusCodeError as exc:
            stats.errors += 1
            return f"read failed: {type(exc).__name__}"
        except LINK_ERRORS as exc:
            reason = str(exc) or type(exc).__name__
            raise ConnectionLost(f"read from {self._endpoint()} failed: {reason}") from exc

    # ---- subscriptions -----------------------------------------------------------------

    async def start_subscriptions(
        self, blocks: list[BlockConfig], on_values: ValuesCallback
    ) -> None:
        """One subscription per block, with a monitored item per tag."""
        for block in blocks:
            await self._subscribe(block, on_values)

    async def _subscribe(self, block: BlockConfig, on_values: ValuesCallback) -> None:
        client = self._live_client()
        now = time.time()
        period = float(block.period_ms or 1000)
        params = ua.CreateSubscriptionParameters(
            RequestedPublishingInterval=period,
            RequestedLifetimeCount=10000,
            RequestedMaxKeepAliveCount=max(1, client.get_keepalive_count(period)),
            MaxNotificationsPerPublish=0,
            PublishingEnabled=True,
            Priority=0,
        )
        bad: list[TagValue] = []
        requests: list[tuple[TagConfig, ua.MonitoredItemCreateRequest]] = []
        for tag in block.tags:
            node = self._node(block, tag)
            if isinstance(node, str):
                bad.append(TagValue(tag.name, None, BAD, now, node))
            else:
                requests.append((tag, self._item_request(block, tag, node)))
        subscription = _BlockSubscription(client, params, {}, on_values, self._on_status)
        try:
            await subscription.init()
            self._subscriptions.append(subscription)
            for first in range(0, len(requests), ITEMS_PER_REQUEST):
                chunk = requests[first : first + ITEMS_PER_REQUEST]
                bad.extend(await self._create_items(subscription, chunk))
        except LINK_ERRORS as exc:
            raise ConnectionLost(f"subscribe failed: {exc or type(exc).__name__}") from exc
        except ua.UaStatusCodeError as exc:
            reason = f"subscription refused: {type(exc).__name__}"
            bad.extend(TagValue(t.name, None, BAD, now, reason) for t, _ in requests)
        if bad:
            on_values(bad)

    def _item_request(
        self, block: BlockConfig, tag: TagConfig, node: ua.NodeId
    ) -> ua.MonitoredItemCreateRequest:
        self._handle += 1
        parameters = ua.MonitoringParameters(
            ClientHandle=self._handle,
            SamplingInterval=float(
                block.sampling_ms if block.sampling_ms is not None else block.period_ms or 1000
            ),
            QueueSize=1,
            DiscardOldest=True,
        )
        deadband = tag.deadband or block.deadband
        if deadband > 0:
            parameters.Filter = ua.DataChangeFilter(
                Trigger=ua.DataChangeTrigger.StatusValue,
                DeadbandType=ua.DeadbandType.Absolute,
                DeadbandValue=float(deadband),
            )
        return ua.MonitoredItemCreateRequest(
            ItemToMonitor=ua.ReadValueId(NodeId=node, AttributeId=ua.AttributeIds.Value),
            MonitoringMode=ua.MonitoringMode.Reporting,
            RequestedParameters=parameters,
        )

    async def _create_items(
        self,
        subscription: _BlockSubscription,
        chunk: list[tuple[TagConfig, ua.MonitoredItemCreateRequest]],
    ) -> list[TagValue]:
        """Create monitored items; the ones the server refuses come back as bad tags."""
        for tag, request in chunk:
            subscription.tags[request.RequestedParameters.ClientHandle] = tag
        results = await subscription.create_monitored_items([r for _, r in chunk])
        now = time.time()
        bad: list[TagValue] = []
        for (tag, request), result in zip(chunk, results, strict=True):
            if isinstance(result, ua.StatusCode):
                subscription.tags.pop(request.RequestedParameters.ClientHandle, None)
                reason = result.name or f"0x{result.value:08X}"
                bad.append(TagValue(tag.name, None, BAD, now, reason))
        return bad

    async def stop_subscriptions(self) -> None:
        """Delete every subscription (bounded; a dead link needs no deleting)."""
        subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            subscription.tags = {}
            with contextlib.suppress(*LINK_ERRORS, UaError):
                await asyncio.wait_for(subscription.delete(), self._timeout + 0.5)

    # ---- writes ----------------------------------------------------------------------

    async def write(self, items: list[WriteItem], sending: Callable[[], None]) -> None:
        """Type every value by its node's current VariantType, then one Write request."""
        client = self._live_client()
        nodes: list[ua.NodeId] = []
        for block, tag, _ in items:
            node = self._node(block, tag)
            if isinstance(node, str):
                raise ValueError(f"{tag.name}: {node}")
            nodes.append(node)
        try:
            current = await client.uaclient.read_attributes(nodes, ua.AttributeIds.Value)
            variants = [
                await self._typed(client, tag, node, data, value)
                for (_, tag, value), node, data in zip(items, nodes, current, strict=True)
            ]
            values = [ua.DataValue(Value=variant) for variant in variants]
            sending()
            results = await client.uaclient.write_attributes(nodes, values, ua.AttributeIds.Value)
        except LINK_ERRORS as exc:
            raise ConnectionLost(f"write to {self._endpoint()} failed: {exc}") from exc
        except ua.UaStatusCodeError as exc:
            raise WriteFailed(f"write refused: {type(exc).__name__}") from exc
        refused = [
            f"{tag.name}: {status.name}"
            for (_, tag, _), status in zip(items, results, strict=True)
            if not status.is_good()
        ]
        if refused:
            raise WriteFailed("; ".join(refused))

    async def _typed(
        self, client: Client, tag: TagConfig, node: ua.NodeId, data: ua.DataValue, value: Any
    ) -> ua.Variant:
        status = data.StatusCode
        if status is not None and status.is_bad():
            raise WriteFailed(f"{tag.name}: {status.name}")
        variant = data.Value
        if variant is not None and variant.VariantType != ua.VariantType.Null:
            return to_variant(tag, value, variant.VariantType, bool(variant.is_array))
        vtype = await client.get_node(node).read_data_type_as_variant_type()
        return to_variant(tag, value, vtype, isinstance(value, list))
