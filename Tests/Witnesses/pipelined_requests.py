"""Sends several HTTP/1.1 requests in one write on one connection (pipelining) and prints the status
line and first body bytes of each response, in the order they arrive.

usage: pipelined_requests.py HOST PORT PATH [PATH ...]
"""
import socket
import sys

host, port, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
with socket.create_connection((host, port), timeout=10) as connection:
    connection.sendall(b"".join(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() for path in paths))
    stream = connection.makefile("rb")
    for _ in paths:
        status = stream.readline().decode().strip()
        length = 0
        while (line := stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = stream.read(length)
        print(status, body[:20].decode(errors="replace"))
