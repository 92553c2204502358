"""A loopback webhook receiver for the fan-out benchmark: answers every POST with 200 at once.

One asyncio process with keep-alive, so the receiver is never what limits a run. It keeps the
set of `webhook-id`s it has seen; `GET /count` answers how many distinct ones and how many requests,
and `GET /arrivals` when each event id (the body's `id`) first arrived (Unix time), for latency.

    python -m bench.receiver PORT
"""

import asyncio
import json
import sys
import time

seen: set[str] = set()
arrivals: dict[str, float] = {}
requests_total = 0


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global requests_total
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            headers = {}
            for line in lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length") or 0)
            payload = await reader.readexactly(length) if length else b""
            if request_line.startswith("GET /count"):
                body = json.dumps({"distinct": len(seen), "requests": requests_total}).encode()
            elif request_line.startswith("GET /arrivals"):
                body = json.dumps(arrivals).encode()
            else:
                arrived = time.time()
                requests_total += 1
                seen.add(headers.get("webhook-id", ""))
                if b'"id":"' in payload[:60]:
                    event_id = payload.split(b'"id":"', 1)[1].split(b'"', 1)[0].decode()
                    arrivals.setdefault(event_id, arrived)
                body = b"ok"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main(port: int) -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1])))
