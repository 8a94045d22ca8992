#!/usr/bin/env python3
"""Writes the wire fixtures of testdata/wire (see README.md there).

Each request case is a process environment (NAME.environ: KEY=VALUE entries, each ended by a NUL
byte, as /proc/PID/environ has them) and a stdin (NAME.stdin); the request (NAME.request.json) is
their encoding as docs/wire-protocol.md specifies it, computed here independently of the Java and C code.
Cases decided by the CNI checks alone also get NAME.answer.txt: the daemon's answer to the request,
exactly (its exit code, a newline, its stdout), which the daemon must give byte for byte and
dist/bin/dhcp relays. With --daemon SOCKET it is asked of the daemon listening there (started from
the repository root after `make`, e.g. `dist/bin/dhcp daemon -socketpath /tmp/fixtures.sock
-statedir /tmp/fixtures-state`); without it, the answer.txt files in the tree are kept, and a new
case that needs one is an error.

    python3 testdata/wire/make-fixtures.py [--daemon SOCKET]
"""
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def quote(s):
    """A JSON string literal exactly as the wire encodes it (MiniJson.quote)."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == '\\':
            out.append('\\\\')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif c < 0x20:
            out.append('\\u%04x' % c)
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def utf16_key(s):
    return s.encode('utf-16-be')


def encode(env, stdin):
    cni = {k: v for k, v in env if k.startswith('CNI_')}
    first = {}
    for k, v in env:  # the first of duplicate entries counts, as getenv(3) and System.getenv have it
        if k.startswith('CNI_') and k not in first:
            first[k] = v
    body = ','.join(quote(k) + ':' + quote(first[k]) for k in sorted(first, key=utf16_key))
    return ('{"env":{' + body + '},"stdin":' + quote(stdin) + '}').encode('utf-8')


BASE = [("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), ("HOME", "/root")]


def add_env(command="ADD", **extra):
    env = BASE + [("CNI_COMMAND", command), ("CNI_CONTAINERID", "c0ffee"),
                  ("CNI_NETNS", "/var/run/netns/pod1"), ("CNI_IFNAME", "eth0"), ("CNI_PATH", "/opt/cni/bin")]
    env += list(extra.items())
    return env


BRIDGE = ('{"cniVersion":"1.0.0","name":"net1","type":"bridge","bridge":"cni0",'
          '"ipam":{"type":"dhcp"}}\n')

ESCAPES = ('{\r\n\t"cniVersion": "1.0.0",\r\n\t"name": "net1",\r\n\t"type": "bridge",\r\n'
           '\t"comment": "quote \\" backslash \\\\ slash \\/ b \\b f \\f n \\n r \\r t \\t nul \\u0000'
           ' us \\u001f ls \\u2028 smile \\ud83d\\ude00",\r\n'
           '\t"raw": "\u00e9 \u65e5\u672c \U0001F600 \u2028 \u2029 \x7f \u00a0",\r\n'
           '\t"ipam": {"type": "dhcp", "daemonSocketPath": "\\/run\\/cni\\/dhcp.sock"}\r\n}\r\n')

MANY = add_env("DEL")
for i in range(200):
    MANY.append(("CNI_X%03d" % i, "value %d = \"%s\"" % (i, "\\" * (i % 4))))
for i in range(100):
    MANY.append(("OTHER_%03d" % i, "not forwarded %d" % i))
MANY += [("CNI_", "empty suffix"), ("CNI_lower", "sorts after upper case"), ("CNI_EMPTY", ""),
         ("cni_lowercase_prefix", "not forwarded: the prefix is CNI_ exactly"),
         ("DHCP_ADMIN", "1"), ("CNI_EQUALS", "a=b=c")]

CASES = {
    # name: (environment, stdin, whether the daemon's CNI checks alone decide its answer)
    "plain-add": (add_env(CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0"), BRIDGE, False),
    "every-escape": (add_env(CNI_ARGS="K=quote \" backslash \\ tab \t nl \n cr \r soh \x01 us \x1f del \x7f "
                                      "\u00e9 \u2028 \U0001F600"), ESCAPES, False),
    "empty-stdin": (add_env(), "", True),
    "many-env": (MANY, '{"cniVersion":"1.0.0","name":"net1","type":"bridge"}', True),
    "unknown-command": (add_env("FROB"), BRIDGE, True),
    "missing-env": (BASE + [("CNI_COMMAND", "ADD"), ("CNI_IFNAME", "eth0")], BRIDGE, True),
    "not-json": (add_env(), '{"cniVersion":"1.0.0",', True),
    "unsupported-version": (add_env(), BRIDGE.replace("1.0.0", "9.9.9"), True),
    "bad-cni-args": (add_env(CNI_ARGS="A=1;bogus;B=2"), BRIDGE, True),
    "admin-command-on-cni-path": (add_env("LEASES"), BRIDGE, True),
    "non-ascii-name": (add_env(), BRIDGE.replace('"net1"', '"r\u00e9seau"'), True),
}


# Answers as a daemon might send them: NAME.answer.txt, and either NAME.exit + NAME.stdout (what the
# plugin exits with and prints) or NAME.malformed (the text of the decoding failure, which the plugin
# reports as error 11, "cannot reach the DHCP lease daemon at SOCKET: TEXT").
RESULT = '{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.5/24","gateway":"10.1.0.1"}],"dns":{}}'
ANSWERS = {
    "result": (b"0\n" + RESULT.encode(), 0, RESULT.encode()),
    "empty-success": (b"0\n", 0, b""),
    "error": (b'1\n{"cniVersion":"1.0.0","code":100,"msg":"no lease"}', 1,
              b'{"cniVersion":"1.0.0","code":100,"msg":"no lease"}'),
    "non-ascii-error": ('1\n{"cniVersion":"1.0.0","code":7,"msg":"r\u00e9seau \u2028"}'.encode(), 1,
                        '{"cniVersion":"1.0.0","code":7,"msg":"r\u00e9seau \u2028"}'.encode()),
    "exit-255": (b"255\nx\ny\n", 255, b"x\ny\n"),
    "lenient-plus-sign": (b"+1\n{}", 1, b"{}"),
    "lenient-leading-zeros": (b"007\n", 7, b""),
    "malformed-garbage": (b"garbage", "malformed answer from the daemon: 'garbage'"),
    "malformed-empty": (b"", "malformed answer from the daemon: ''"),
    "malformed-no-exit-code": (b"\n{}", "malformed answer from the daemon: '\n{}'"),
    "malformed-exit-256": (b"256\n", "malformed answer from the daemon: '256\n'"),
    "malformed-negative": (b"-1\n", "malformed answer from the daemon: '-1\n'"),
    "malformed-four-digits": (b"1000\n", "malformed answer from the daemon: '1000\n'"),
    "malformed-space": (b" 1\n", "malformed answer from the daemon: ' 1\n'"),
    "malformed-long": (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                       "malformed answer from the daemon: 'HTTP/1.1 400 Bad Request\r\nContent-Length...'"),
}

# Bytes that are no request, and the daemon's answer to each (exact).
UNDECODABLE = '1\n{"cniVersion":"1.1.0","code":6,"msg":"malformed request to the daemon: %s"}'
MALFORMED = {
    "empty": (b"", "unexpected end of input at offset 0"),
    "not-json": (b"hello", "unexpected character 'h' at offset 0"),
    "no-stdin": (b'{"env":{}}', 'expected {\\"env\\":{...},\\"stdin\\":\\"...\\"}'),
    "array": (b'[{"env":{},"stdin":""}]', 'expected {\\"env\\":{...},\\"stdin\\":\\"...\\"}'),
    "env-value-not-a-string": (b'{"env":{"CNI_COMMAND":1},"stdin":""}', "env value of CNI_COMMAND is not a string"),
    "trailing-bytes": (b'{"env":{},"stdin":""}x', "unexpected trailing content at offset 21"),
}


def write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def ask(daemon, request):
    """One round trip (docs/wire-protocol.md): the request, the half-close, the answer to EOF."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(daemon)
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        answer = b''
        while chunk := s.recv(65536):
            answer += chunk
        return answer


def main():
    args = sys.argv[1:]
    if args and (len(args) != 2 or args[0] != "--daemon"):
        sys.exit("usage: make-fixtures.py [--daemon SOCKET]")
    daemon = args[1] if args else None
    req = os.path.join(HERE, "requests")
    os.makedirs(req, exist_ok=True)
    for name, (env, stdin, answered) in CASES.items():
        base = os.path.join(req, name)
        write(base + ".environ", b''.join((k + '=' + v).encode('utf-8') + b'\0' for k, v in env))
        write(base + ".stdin", stdin.encode('utf-8'))
        write(base + ".request.json", encode(env, stdin))
        if answered and daemon is not None:
            write(base + ".answer.txt", ask(daemon, encode(env, stdin)))
        elif answered and not os.path.exists(base + ".answer.txt"):
            sys.exit(name + ": no answer.txt yet; run with --daemon SOCKET to ask a daemon for it")
    ans = os.path.join(HERE, "answers")
    os.makedirs(ans, exist_ok=True)
    for name, spec in ANSWERS.items():
        base = os.path.join(ans, name)
        write(base + ".answer.txt", spec[0])
        if len(spec) == 3:
            write(base + ".exit", str(spec[1]).encode())
            write(base + ".stdout", spec[2])
        else:
            write(base + ".malformed", spec[1].encode())
    bad = os.path.join(HERE, "malformed-requests")
    os.makedirs(bad, exist_ok=True)
    for name, (raw, msg) in MALFORMED.items():
        write(os.path.join(bad, name + ".request.json"), raw)
        write(os.path.join(bad, name + ".answer.txt"), (UNDECODABLE % msg).encode())
    adm = os.path.join(HERE, "admin")
    os.makedirs(adm, exist_ok=True)
    for name, command in (("leases", "LEASES"), ("daemon-status", "DAEMON-STATUS")):
        write(os.path.join(adm, name + ".request.json"), encode([("CNI_COMMAND", command)], "")
              .replace(b'}', b',"DHCP_ADMIN":"1"}', 1))
    print("wrote", len(CASES), "request cases,", len(ANSWERS), "answers,", len(MALFORMED),
          "malformed requests and 2 admin requests under", HERE, file=sys.stderr)


if __name__ == '__main__':
    main()
