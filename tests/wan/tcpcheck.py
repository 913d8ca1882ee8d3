#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""tcpcheck.py - the TCP endpoints of test_keg_term.sh: real sockets of the
LAN hosts' kernels, doing what the checks need that nc cannot (half-close
with an answer, resets, a thousand concurrent connections, a slow reader).
Every mode prints one line of key=value results.

  --text MODE ...         what is sent is text-like (it compresses well)
                          instead of random bytes (which do not compress)

  serve PORT MODE [ARG]   accept on PORT (IPv4 and IPv6) and, per connection:
     sha        read to EOF, answer "SHA PEERADDR" and close
     rst        read 1 byte, then reset the connection (SO_LINGER 0)
     slow BPS   read at BPS bytes/s until EOF; print what was read
     many N     serve "sha" to N concurrent connections, then exit
     source N   send N random bytes, print their sha, close
  send HOST PORT BYTES    send BYTES random bytes, shut the write side
                          (half-close), read the answer: ok=1 if it is the
                          sha of what was sent; peer= the address the server
                          saw; start= the time connect() began (the server's
                          eof_at= is when the last byte arrived)
  many HOST PORT N BYTES  N connections at once, each as `send`: ok=COUNT
  reset HOST PORT         send a byte, wait for the server's reset: reset=1
  refused HOST PORT       connect to a port with no listener: refused=1 when
                          the connection ends in a reset or refusal
  sink HOST PORT          read to EOF: sha= of what came, bytes=
  push HOST PORT SECS     write as fast as the socket takes it for SECS
                          seconds: sent=BYTES
  hold HOST PORT SECS     send 1 MB, wait SECS, try to send again:
                          broken=1 if the connection was reset meanwhile
  udpsink PORT SECS       count the UDP datagrams arriving for SECS: got=N
  udpsend HOST PORT N     send N datagrams, 20 ms apart, from one socket
  udpecho PORT SECS       answer every UDP datagram (IPv4 and IPv6) with
                          "PEERADDR " and the datagram, for SECS seconds
  udpping HOST PORT N     N datagrams of 1 to 1400 random bytes from one
                          socket, each waiting up to 2 s for udpecho's
                          answer: ok= the answers that carried the datagram
                          back whole, peer= the address udpecho saw
"""
import hashlib
import os
import selectors
import socket
import struct
import sys
import time


TEXT = False
WORDS = b"the quick brown fox jumps over the lazy dog; pack my box with five dozen jugs. "


def payload(n):
    """n bytes to send: random, or text whose words vary by position."""
    if not TEXT:
        return os.urandom(n)
    out = bytearray()
    i = 0
    while len(out) < n:
        out += b"%d " % (i * 7919 % 100003) + WORDS[i % 13:] + WORDS[:i % 13]
        i += 1
    return bytes(out[:n])


def listener(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(4096)
    return s


def peer_str(addr):
    host = addr[0]
    return host[7:] if host.startswith("::ffff:") else host


def read_all(c):
    h = hashlib.sha256()
    n = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            return h.hexdigest(), n
        h.update(b)
        n += len(b)


def rst(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def serve(port, mode, arg):
    s = listener(port)
    if mode == "many":
        return serve_many(s, int(arg))
    c, addr = s.accept()
    if mode == "sha":
        sha, n = read_all(c)
        eof = time.time()
        c.sendall(("%s %s" % (sha, peer_str(addr))).encode())
        c.close()
        print("served=1 peer=%s bytes=%d eof_at=%.6f" % (peer_str(addr), n, eof))
    elif mode == "rst":
        c.recv(1)
        rst(c)
        print("reset_sent=1")
    elif mode == "slow":
        bps = int(arg)
        total = 0
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        while True:
            b = c.recv(bps // 10)
            if not b:
                break
            total += len(b)
            time.sleep(0.1)
        print("read=%d" % total)
    elif mode == "source":
        n = int(arg)
        h = hashlib.sha256()
        while n > 0:
            b = payload(min(n, 1 << 16))
            c.sendall(b)
            h.update(b)
            n -= len(b)
        c.shutdown(socket.SHUT_WR)
        c.recv(1)
        c.close()
        print("sha=%s" % h.hexdigest())


def serve_many(s, n):
    sel = selectors.DefaultSelector()
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, None)
    done = 0
    deadline = time.time() + 120
    while done < n and time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            if key.data is None:
                while True:
                    try:
                        c, addr = s.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, [hashlib.sha256(), addr])
                continue
            c, st = key.fileobj, key.data
            try:
                b = c.recv(1 << 16)
            except ConnectionError:
                b = None
            if b:
                st[0].update(b)
                continue
            sel.unregister(c)
            if b is not None:
                c.setblocking(True)
                c.sendall(("%s %s" % (st[0].hexdigest(), peer_str(st[1]))).encode())
            c.close()
            done += 1
    print("served=%d" % done)


def connect(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.settimeout(30)
    c.connect((host, port))
    return c


def send(host, port, nbytes):
    data = payload(nbytes)
    start = time.time()
    c = connect(host, port)
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    ans = b""
    while True:
        b = c.recv(4096)
        if not b:
            break
        ans += b
    sha, _, peer = ans.decode().partition(" ")
    ok = sha == hashlib.sha256(data).hexdigest()
    print("ok=%d peer=%s start=%.6f" % (ok, peer, start))


def many(host, port, n, nbytes):
    sel = selectors.DefaultSelector()
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    data = payload(nbytes)
    want = hashlib.sha256(data).hexdigest()
    for _ in range(n):
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex((host, port))
        sel.register(c, selectors.EVENT_WRITE, {"off": 0, "ans": b""})
    ok = 0
    left = n
    deadline = time.time() + 120
    while left and time.time() < deadline:
        for key, ev in sel.select(timeout=1):
            c, st = key.fileobj, key.data
            try:
                if ev & selectors.EVENT_WRITE:
                    st["off"] += c.send(data[st["off"]:])
                    if st["off"] == len(data):
                        c.shutdown(socket.SHUT_WR)
                        sel.modify(c, selectors.EVENT_READ, st)
                    continue
                b = c.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                b = b""
                st["ans"] = b"error"
            if b:
                st["ans"] += b
                continue
            sel.unregister(c)
            c.close()
            left -= 1
            ok += st["ans"].decode(errors="replace").split(" ")[0] == want
    print("ok=%d of=%d" % (ok, n))


def expect_reset(host, port):
    c = connect(host, port)
    c.sendall(b"x")
    try:
        b = c.recv(1)
        print("reset=0 got=%r" % b)
    except ConnectionResetError:
        print("reset=1")


def refused(host, port):
    try:
        c = connect(host, port)
        c.settimeout(10)
        c.sendall(b"x")
        b = c.recv(1)
        print("refused=0 got=%r" % b)
    except (ConnectionResetError, ConnectionRefusedError, BrokenPipeError):
        print("refused=1")


def sink(host, port):
    c = connect(host, port)
    sha, n = read_all(c)
    c.close()
    print("sha=%s bytes=%d" % (sha, n))


def push(host, port, secs):
    c = connect(host, port)
    c.settimeout(0.2)
    buf = os.urandom(1 << 16)
    sent = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            sent += c.send(buf)
        except socket.timeout:
            pass
    print("sent=%d" % sent)
    os._exit(0)     # no close: the reader is slow, nobody waits for it


def hold(host, port, secs):
    c = connect(host, port)
    c.sendall(os.urandom(1 << 20))
    time.sleep(secs)
    try:
        c.sendall(b"y" * 65536)
        time.sleep(1)
        c.sendall(b"y" * 65536)
        print("broken=0")
    except OSError:
        print("broken=1")


def udpsink(port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.2)
    got = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            s.recv(2048)
            got += 1
        except socket.timeout:
            pass
    print("got=%d" % got)


def udpsend(host, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(n):
        s.sendto(b"u" * 100, (host, port))
        time.sleep(0.02)
    print("sent=%d" % n)


def udpecho(port, secs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.settimeout(0.2)
    end = time.time() + secs
    n = 0
    while time.time() < end:
        try:
            b, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        s.sendto(peer_str(addr).encode() + b" " + b, addr)
        n += 1
    print("echoed=%d" % n)


def udpping(host, port, n):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((host, port))
    s.settimeout(2)
    ok, peer = 0, ""
    for i in range(n):
        data = os.urandom(1 + (i * 397) % 1400)
        s.send(data)
        try:
            b = s.recv(65535)
        except (socket.timeout, ConnectionRefusedError):
            continue
        p, _, echo = b.partition(b" ")
        peer = p.decode()
        ok += echo == data
    print("ok=%d peer=%s" % (ok, peer))


def main(a):
    global TEXT
    if a and a[0] == "--text":
        TEXT = True
        a = a[1:]
    if a[0] == "serve":
        serve(int(a[1]), a[2], a[3] if len(a) > 3 else None)
    elif a[0] == "send":
        send(a[1], int(a[2]), int(a[3]))
    elif a[0] == "many":
        many(a[1], int(a[2]), int(a[3]), int(a[4]))
    elif a[0] == "reset":
        expect_reset(a[1], int(a[2]))
    elif a[0] == "refused":
        refused(a[1], int(a[2]))
    elif a[0] == "sink":
        sink(a[1], int(a[2]))
    elif a[0] == "push":
        push(a[1], int(a[2]), float(a[3]))
    elif a[0] == "hold":
        hold(a[1], int(a[2]), float(a[3]))
    elif a[0] == "udpsink":
        udpsink(int(a[1]), float(a[2]))
    elif a[0] == "udpsend":
        udpsend(a[1], int(a[2]), int(a[3]))
    elif a[0] == "udpecho":
        udpecho(int(a[1]), float(a[2]))
    elif a[0] == "udpping":
        udpping(a[1], int(a[2]), int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (OSError, ValueError, IndexError) as e:
        print("error=%s" % type(e).__name__, str(e).replace(" ", "_"))
        sys.exit(1)
