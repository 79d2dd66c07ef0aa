#!/usr/bin/env python3
"""didChange -> publishDiagnostics latency of `torchlint server` (issue 7's editor goal).

Opens a generated 2,000-line Python file (all rules selected: no configuration), then
sends one-character edits (a digit in a statement in the middle of the file, toggled)
with the server's debounce set to 0, and times each edit from writing the didChange to
reading the publishDiagnostics for that version. A fresh didOpen of the same text (a
full parse and lint, no tree reuse) is timed too, for comparison.

    bench/lsp_latency.py [--torchlint build/torchlint] [--edits 300] [--lines 2000] [--dense]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class Server:
    def __init__(self, argv, cwd):
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd)
        self.next_id = 1

    def send(self, message):
        self.process.stdin.write(frame(message))
        self.process.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params):
        ident = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == ident and "method" not in message:
                return message

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def published(self, uri, version):
        while True:
            message = self.read()
            if message.get("method") != "textDocument/publishDiagnostics":
                continue
            params = message["params"]
            if params["uri"] == uri and params.get("version") == version:
                return params


def generate(lines, dense=False):
    """A plausible PyTorch module, `lines` lines long. By default most of it follows the
    guidelines (one in-place call every tenth block); `dense` leaves three findings in
    every block (no dtype, undocumented shapes, an in-place call)."""
    out = ["import torch", "import torch.nn as nn", "import torch.nn.functional as F", "", ""]
    index = 0
    while len(out) < lines - 12:
        if dense:
            doc = [f'    """Block {index}: scales and mixes x (B, C) with w (C, C)."""']
            zeros = "    z = torch.zeros(4, 4)"
        else:
            doc = [f'    """Block {index}: scales and mixes x with w.', "",
                   "    Args:", "        x: input of shape (B, C)", "        w: weights of shape (C, C)",
                   "        scale: factor", "", "    Returns:", "        output of shape (B, C)", '    """']
            zeros = "    z = torch.zeros(4, 4, dtype=torch.float32)"
        out += [f"def block_{index}(x: torch.Tensor, w: torch.Tensor, scale: float = 1.0) -> torch.Tensor:"]
        out += doc
        out += [
            "    y = x @ w",
            "    y = y * 2",
            zeros,
            "    if scale > 1.0:",
            "        y = F.relu(y)",
            "    for i in range(3):",
            "        y = y + z.sum() * i",
        ]
        if dense or index % 10 == 0:
            out += ["    y.add_(1)"]
        out += ["    return y * scale", "", ""]
        index += 1
    out += ["class Model(nn.Module):", "    def forward(self, x: torch.Tensor) -> torch.Tensor:",
            "        # Shape: (B, C) -> (B, C)", "        return block_0(x, x)"]
    out += ["# end of generated module"] * (lines - len(out))
    return "\n".join(out) + "\n"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--torchlint", default=os.path.join(root, "build", "torchlint"))
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--opens", type=int, default=50)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--dense", action="store_true", help="three findings in every block")
    args = parser.parse_args()
    args.torchlint = os.path.abspath(args.torchlint)

    text = generate(args.lines, args.dense)
    lines = text.split("\n")
    # The edited character: the "2" of a `y = y * 2` near the middle of the file.
    row = next(i for i in range(len(lines) // 2, len(lines)) if lines[i] == "    y = y * 2")
    column = lines[row].index("2")

    with tempfile.TemporaryDirectory() as workspace:
        path = os.path.join(workspace, "model.py")
        with open(path, "w") as handle:
            handle.write(text)
        uri = "file://" + path
        server = Server([args.torchlint, "server", "--debounce-ms", "0"], workspace)
        server.request("initialize", {"processId": None, "rootUri": "file://" + workspace, "capabilities": {}})
        server.notify("initialized", {})

        opens = []
        for n in range(args.opens):
            start = time.perf_counter()
            server.notify("textDocument/didOpen",
                          {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
            findings = len(server.published(uri, 1)["diagnostics"])
            opens.append(time.perf_counter() - start)

        changes = []
        version = 1
        for n in range(args.edits):
            version += 1
            digit = "3" if n % 2 == 0 else "2"
            change = {"range": {"start": {"line": row, "character": column},
                                "end": {"line": row, "character": column + 1}}, "text": digit}
            start = time.perf_counter()
            server.notify("textDocument/didChange",
                          {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            server.published(uri, version)
            changes.append(time.perf_counter() - start)

        server.request("shutdown", None)
        server.notify("exit", None)
        server.process.wait(timeout=10)

    ms = lambda seconds: f"{seconds * 1000:.2f} ms"
    print(f"file: {args.lines} lines, {len(text.encode())} bytes, {findings} findings (all rules)")
    print(f"didChange -> publishDiagnostics, one-character edit, debounce 0, {args.edits} edits:")
    print(f"  median {ms(statistics.median(changes))}  p90 {ms(percentile(changes, 0.9))}"
          f"  min {ms(min(changes))}  max {ms(max(changes))}")
    print(f"didOpen -> publishDiagnostics (full parse + lint), {args.opens} opens:")
    print(f"  median {ms(statistics.median(opens))}  p90 {ms(percentile(opens, 0.9))}"
          f"  min {ms(min(opens))}  max {ms(max(opens))}")


if __name__ == "__main__":
    sys.exit(main())
