"""What the bench scripts that start our server need alike: a DNS query for readiness, /proc status
figures, a stop that escalates, and the DaemonSet's JVM flags as the manifest writes them."""
import os
import re
import select
import signal
import socket
import struct
import subprocess
import time

# deploy/kubernetes/nodecache.yaml: the container's JAVA_TOOL_OPTIONS, a folded block of flags
JAVA_TOOL_OPTIONS = re.compile(r"- name: JAVA_TOOL_OPTIONS\n\s+value: >-\n((?:\s+-\S.*\n)+)")


def manifest_java_opts(text):
    """The JAVA_TOOL_OPTIONS flags of the manifest text, as a list."""
    return JAVA_TOOL_OPTIONS.search(text).group(1).split()


def query(qid, name):
    """A recursive NAME A IN query with id qid, in wire form."""
    labels = b"".join(bytes([len(x)]) + x.encode() for x in name.rstrip(".").split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + struct.pack("!HH", 1, 1)


def dns_flags(port, name, timeout):
    """Asks 127.0.0.1:port for NAME A over UDP; returns the answer's flags word (QR 0x8000, RCODE 0x000F)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(query(0x4242, name), ("127.0.0.1", port))
        data, _ = s.recvfrom(65535)
        return struct.unpack("!HH", data[:4])[1]


def first_answer(port, name, alive, limit=60.0, noerror=True):
    """Seconds from the call until the first NOERROR answer (any answer: noerror=False) for NAME A from
    127.0.0.1:port, or None if alive() turns false or limit passes first. A connected socket asks; while
    the port is not bound the kernel's ICMP refusal comes back within a millisecond and the query is
    repeated 2 ms later. Once a query is not refused it is queued at the server, and the probe waits on
    the same socket for its answer however slow it is (repeating it only every 200 ms, in case it was
    lost), so neither a probe timeout nor a stream of extra queries adds to the time measured."""
    mask = 0x800F if noerror else 0x8000  # QR and RCODE, or QR alone
    t0 = time.monotonic()
    qid = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("127.0.0.1", port))
        while time.monotonic() < t0 + limit and alive():
            qid = (qid + 1) & 0xFFFF
            try:
                s.send(query(qid, name))
                end = time.monotonic() + 0.2
                while (left := end - time.monotonic()) > 0 and alive():
                    if not select.select([s], [], [], min(left, 0.05))[0]:
                        continue
                    data = s.recv(65535)
                    if len(data) >= 4 and struct.unpack("!H", data[2:4])[0] & mask == 0x8000:
                        return time.monotonic() - t0
            except ConnectionRefusedError:  # not bound yet
                time.sleep(0.002)
    return None


def proc_status(pid, keys):
    """The /proc/PID/status fields named in keys, in kB (or counts, for Threads)."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in keys:
                out[k] = int(v.split()[0])
    return out


def stop(p, term_wait=20, kill_wait=10):
    """SIGTERM, then SIGKILL to its process group (started with start_new_session) if it lingers."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=term_wait)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=kill_wait)
