#!/usr/bin/env python3
"""Generates the labelled evaluation set: notebooks a data scientist might commit,
with fake but valid-looking secrets and personal data planted in every part kind
(cell sources, stream / text/plain / text/html / application/json / error outputs,
attachments, notebook and cell metadata), and negatives a good scanner must stay
quiet about (placeholders, documented example keys, hashes, UUIDs, base64 images,
example.com addresses, numbers that pass Luhn by accident).

Everything is derived from one seed, so two runs write the same bytes.

Output (default bench/out/labelled/):
  *.ipynb       the notebooks (values live only here; they are generated, never committed)
  labels.json   one record per planted item and per negative: file, cell (1-based),
                part, output (1-based), mime, kind, category, expected rule id when
                obvious, the value's SHA-256 and the raw .ipynb lines that hold it.
                Values themselves are never written to labels.json.

Python 3 standard library only.
"""

import argparse
import base64
import hashlib
import html
import json
import os
import random
import string
import struct
import zlib
from pathlib import Path

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B32 = string.ascii_uppercase + "234567"

# The rule ids nbgate has today for a category; other categories are matched on
# location and category alone (rule ids are still being added).
RULE_FOR_CATEGORY = {
    "aws-key": "secret.aws-access-key-id",
    "github-token": "secret.github-pat-classic",
    "db-url": "secret.database-url",
    "password": "secret.password-assignment",
    "private-key": "secret.private-key",
    "email": "pii.email",
    "card": "pii.payment-card",
}

PII_CATEGORIES = {"email", "phone", "ssn", "card", "iban", "name", "address"}


# ---------------------------------------------------------------------------
# Value makers. Each returns a fresh value from the generator's own random state.
# ---------------------------------------------------------------------------


class Values:
    """Fake values that pass the checks real ones pass (checksums, ranges)."""

    FIRST = ["Maria", "James", "Aisha", "Chen", "Lukas", "Priya", "Olivia", "Mateo",
             "Sofia", "Noah", "Fatima", "Hiroshi", "Emma", "Diego", "Ingrid", "Kwame"]
    LAST = ["Garcia", "Okafor", "Lindqvist", "Tanaka", "Novak", "Reyes", "Patel",
            "Schneider", "Moreau", "Kowalski", "Haddad", "Brennan", "Nakamura", "Silva"]
    MAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "acme-corp.com",
                    "fastmail.fm", "protonmail.com", "hotmail.co.uk", "northwind-traders.net"]
    STREETS = ["Maple Ave", "Harbor Rd", "Elm Street", "Kingsway", "Lakeview Dr", "Oak Lane"]
    CITIES = ["Springfield", "Riverton", "Fairview", "Georgetown", "Ashland", "Clinton"]

    def __init__(self, rng):
        self.rng = rng

    def chars(self, alphabet, n):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    # -- secrets --------------------------------------------------------------

    def aws_key(self):
        return "AKIA" + self.chars(B32, 16)

    def aws_secret(self):
        return self.chars(string.ascii_letters + string.digits + "/+", 40)

    def github_pat(self):
        body = self.chars(string.ascii_letters + string.digits, 30)
        return "ghp_" + body + base62_pad(zlib.crc32(body.encode()), 6)

    def openai_key(self):
        if self.rng.random() < 0.5:
            alnum = string.ascii_letters + string.digits
            return "sk-" + self.chars(alnum, 20) + "T3BlbkFJ" + self.chars(alnum, 20)
        alnum = string.ascii_letters + string.digits + "_-"
        return "sk-proj-" + self.chars(alnum, 74) + "T3BlbkFJ" + self.chars(alnum, 74)

    def hf_token(self):
        return "hf_" + self.chars(string.ascii_letters, 34)

    def slack_token(self):
        return "xoxb-%d-%d-%s" % (
            self.rng.randrange(10**11, 10**12),
            self.rng.randrange(10**12, 10**13),
            self.chars(string.ascii_letters + string.digits, 24),
        )

    def stripe_key(self):
        return "sk_live_" + self.chars(string.ascii_letters + string.digits, 24)

    def google_api_key(self):
        return "AIza" + self.chars(string.ascii_letters + string.digits + "_-", 35)

    def generic_secret(self):
        return self.chars(string.ascii_letters + string.digits, 32)

    def password(self):
        # No quotes, backslashes, '<' or '&': the value must read the same in
        # HTML and in the raw JSON.
        words = ["Spring", "Falcon", "Orchid", "Granite", "Harbor", "Velvet", "Comet"]
        return "%s%s%d%s" % (
            self.rng.choice(words),
            self.rng.choice(words).lower(),
            self.rng.randrange(10, 9999),
            self.rng.choice("!#%*$"),
        )

    def jwt(self):
        def b64(obj):
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        header = b64({"alg": "HS256", "typ": "JWT"})
        payload = b64({"sub": str(self.rng.randrange(10**6, 10**7)),
                       "scope": "read:reports", "iat": 1700000000 + self.rng.randrange(10**7)})
        sig = self.chars(string.ascii_letters + string.digits + "-_", 43)
        return "%s.%s.%s" % (header, payload, sig)

    def private_key(self, label="RSA PRIVATE KEY"):
        body = base64.b64encode(
            bytes([0x30, 0x82, 0x04, 0xA4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01, 0x00])
            + bytes(self.rng.randrange(256) for _ in range(600))
        ).decode()
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, "\n".join(lines), label)

    def db_url(self):
        user = self.rng.choice(["analyst", "etl_user", "readonly", "ds_team", "admin"])
        host = self.rng.choice(["db.internal", "10.20.4.17", "prod-pg.c9xk2.eu-west-1.rds.amazonaws.com",
                                "warehouse.corp.local", "mysql-01.analytics"])
        scheme, port = self.rng.choice([("postgresql", 5432), ("postgresql+psycopg2", 5432),
                                        ("mysql+pymysql", 3306), ("mongodb", 27017)])
        db = self.rng.choice(["crm", "sales", "events", "warehouse", "billing"])
        return "%s://%s:%s@%s:%d/%s" % (scheme, user, self.password(), host, port, db)

    # -- personal data ----------------------------------------------------------

    def name(self):
        return "%s %s" % (self.rng.choice(self.FIRST), self.rng.choice(self.LAST))

    def email(self, name=None):
        name = name or self.name()
        first, last = name.lower().split()
        shape = self.rng.choice(["{f}.{l}", "{f}{l}{n}", "{f0}{l}", "{f}_{l}"])
        local = shape.format(f=first, l=last, f0=first[0], n=self.rng.randrange(1, 99))
        return "%s@%s" % (local, self.rng.choice(self.MAIL_DOMAINS))

    def phone(self):
        # North American numbers outside the 555 fiction range.
        area = self.rng.choice([212, 312, 415, 503, 617, 646, 702, 737, 818, 917])
        exchange = self.rng.randrange(201, 999)
        while exchange == 555:
            exchange = self.rng.randrange(201, 999)
        line = self.rng.randrange(1000, 9999)
        shape = self.rng.choice(["({a}) {e}-{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}", "{a}.{e}.{l}"])
        return shape.format(a=area, e=exchange, l=line)

    def ssn(self):
        while True:
            area = self.rng.randrange(1, 900)
            if area != 666:
                break
        group = self.rng.randrange(1, 100)
        serial = self.rng.randrange(1, 10000)
        return "%03d-%02d-%04d" % (area, group, serial)

    def card(self, spaced=None):
        brand = self.rng.choice(["visa", "mc", "amex", "visa", "mc"])
        if brand == "visa":
            digits = "4" + self.chars(string.digits, 14)
        elif brand == "mc":
            digits = str(self.rng.randrange(51, 56)) + self.chars(string.digits, 13)
        else:
            digits = self.rng.choice(["34", "37"]) + self.chars(string.digits, 12)
        digits += luhn_digit(digits)
        if spaced is None:
            spaced = self.rng.random() < 0.5
        if not spaced:
            return digits
        if len(digits) == 15:
            return "%s %s %s" % (digits[:4], digits[4:10], digits[10:])
        return " ".join(digits[i:i + 4] for i in range(0, 16, 4))

    def iban(self):
        country, bban_len = self.rng.choice([("DE", 18), ("FR", 23), ("NL", 14), ("ES", 20)])
        if country == "NL":
            bban = self.rng.choice(["ABNA", "INGB", "RABO"]) + self.chars(string.digits, 10)
        else:
            bban = self.chars(string.digits, bban_len)
        return country + iban_check(country, bban) + bban

    def address(self):
        return "%d %s, %s" % (self.rng.randrange(1, 999), self.rng.choice(self.STREETS),
                              self.rng.choice(self.CITIES))

    # -- negatives ----------------------------------------------------------------

    def sha256_hex(self):
        return hashlib.sha256(self.chars(string.ascii_letters, 20).encode()).hexdigest()

    def git_sha(self):
        return hashlib.sha1(self.chars(string.ascii_letters, 20).encode()).hexdigest()

    def uuid4(self):
        h = "%032x" % self.rng.getrandbits(128)
        h = h[:12] + "4" + h[13:16] + self.rng.choice("89ab") + h[17:]
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def luhn_float(self):
        # A 16-digit fraction that starts like a Visa or Mastercard number and
        # passes Luhn: the kind of thing float64 reprs print by accident.
        digits = self.rng.choice(["4", "5"]) + self.chars(string.digits, 14)
        return "0." + digits + luhn_digit(digits)

    def luhn_timestamp(self):
        # A nanosecond epoch (19 digits) that passes Luhn.
        stem = str(1_700_000_000_000_000_000 + self.rng.randrange(10**16))[:18]
        return stem + luhn_digit(stem)

    def digit_run(self):
        # A record id that is not a card: too short, or failing Luhn.
        while True:
            digits = self.chars(string.digits, self.rng.choice([10, 11, 12, 16]))
            if len(digits) != 16 or not luhn_ok(digits):
                return digits


def base62_pad(number, width):
    out = ""
    while number:
        number, rest = divmod(number, 62)
        out = BASE62[rest] + out
    return out.rjust(width, "0")


def luhn_digit(partial):
    """The check digit that makes `partial + digit` pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(digits):
    return luhn_digit(digits[:-1]) == digits[-1]


def iban_check(country, bban):
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return "%02d" % (98 - int(numeric) % 97)


def png_bytes(rng, width=48, height=32, noisy=True):
    """A real PNG: a gradient, noisy when asked so the base64 has high entropy."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if noisy:
                row += bytes((rng.randrange(256), rng.randrange(256), (x * 5) % 256))
            else:
                row += bytes(((x * 5) % 256, (y * 7) % 256, 180))
        rows.append(bytes(row))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------
# Rendering helpers: pandas-like text and HTML reprs, IPython tracebacks.
# ---------------------------------------------------------------------------


def frame_text(columns, rows, index=None):
    index = index if index is not None else [str(i) for i in range(len(rows))]
    cols = [[str(c)] + [str(r[i]) for r in rows] for i, c in enumerate(columns)]
    widths = [max(len(v) for v in col) for col in cols]
    iw = max(len(i) for i in index)
    lines = [" " * iw + "".join("  " + col[0].rjust(w) for col, w in zip(cols, widths))]
    for n, idx in enumerate(index):
        lines.append(idx.ljust(iw) + "".join("  " + col[n + 1].rjust(w)
                                              for col, w in zip(cols, widths)))
    return "\n".join(lines)


def frame_text_noindex(columns, rows):
    """`df.to_string(index=False)`: right-aligned columns one space apart."""
    cols = [[str(c)] + [str(r[i]) for r in rows] for i, c in enumerate(columns)]
    widths = [max(len(v) for v in col) for col in cols]
    return "\n".join(" ".join(col[n].rjust(w) for col, w in zip(cols, widths))
                     for n in range(len(rows) + 1))


def frame_html(columns, rows, index=None):
    index = index if index is not None else [str(i) for i in range(len(rows))]
    out = ["<div>",
           "<style scoped>",
           "    .dataframe tbody tr th:only-of-type {",
           "        vertical-align: middle;",
           "    }",
           "",
           "    .dataframe tbody tr th {",
           "        vertical-align: top;",
           "    }",
           "",
           "    .dataframe thead th {",
           "        text-align: right;",
           "    }",
           "</style>",
           '<table border="1" class="dataframe">',
           "  <thead>",
           '    <tr style="text-align: right;">',
           "      <th></th>"]
    out += ["      <th>%s</th>" % html.escape(str(c)) for c in columns]
    out += ["    </tr>", "  </thead>", "  <tbody>"]
    for idx, row in zip(index, rows):
        out.append("    <tr>")
        out.append("      <th>%s</th>" % html.escape(idx))
        out += ["      <td>%s</td>" % html.escape(str(v)) for v in row]
        out.append("    </tr>")
    out += ["  </tbody>", "</table>", "<p>%d rows \u00d7 %d columns</p>" % (len(rows), len(columns)),
            "</div>"]
    return "\n".join(out)


def spark_show(columns, rows):
    """`df.show(n, truncate=False)`: a `+---+` frame, values right-aligned."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    rule = "+" + "+".join("-" * w for w in widths) + "+"

    def line(cells):
        return "|" + "|".join(c.rjust(w) for c, w in zip(cells, widths)) + "|"

    return "\n".join([rule, line(columns), rule] + [line(r) for r in rows]
                     + [rule, "only showing top %d rows" % len(rows)])


def polars_frame(columns, dtypes, rows):
    """A polars DataFrame's repr: box drawing, `┆` between cells, dtype line."""
    widths = [max(len(c), len(t), 3, *(len(r[i]) for r in rows))
              for i, (c, t) in enumerate(zip(columns, dtypes))]

    def rule(left, mid, right, stroke):
        return left + mid.join(stroke * (w + 2) for w in widths) + right

    def line(cells):
        return "\u2502 " + " \u2506 ".join(c.ljust(w) for c, w in zip(cells, widths)) + " \u2502"

    return "\n".join(["shape: (%d, %d)" % (len(rows), len(columns)),
                      rule("\u250c", "\u252c", "\u2510", "\u2500"), line(columns),
                      line(["---"] * len(columns)), line(dtypes),
                      rule("\u255e", "\u256a", "\u2561", "\u2550")]
                     + [line(r) for r in rows]
                     + [rule("\u2514", "\u2534", "\u2518", "\u2500")])


def grid_table(columns, rows):
    """tabulate's `grid` format: a rule under every row, `=` under the header."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]

    def rule(stroke):
        return "+" + "+".join(stroke * (w + 2) for w in widths) + "+"

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [rule("-"), line(columns), rule("=")]
    for r in rows:
        out += [line(r), rule("-")]
    return "\n".join(out)


def ansi_code_line(code):
    """A source line as IPython colours it in a traceback: strings in red."""
    out = []
    in_str = False
    for ch in code:
        if ch == '"':
            out.append("\x1b[38;5;124m\"\x1b[39m")
            in_str = not in_str
        elif ch == "=" and not in_str:
            out.append("\x1b[38;5;241m=\x1b[39m")
        else:
            out.append(ch)
    return "".join(out)


def traceback_lines(ename, evalue, cell_no, code_lines, failing, frames=()):
    bar = "\x1b[0;31m" + "-" * 75 + "\x1b[0m"
    head = "\x1b[0;31m%s\x1b[0m%sTraceback (most recent call last)" % (
        ename, " " * max(1, 42 - len(ename)))
    body = ["Cell \x1b[0;32mIn[%d], line %d\x1b[0m" % (cell_no, failing + 1)]
    for n, code in enumerate(code_lines):
        marker = "\x1b[0;32m----> %d\x1b[0m" % (n + 1) if n == failing else \
            "\x1b[1;32m      %d\x1b[0m" % (n + 1)
        body.append("%s %s" % (marker, ansi_code_line(code)))
    tb = [bar, head, "\n".join(body)]
    tb += list(frames)
    tb.append("\x1b[0;31m%s\x1b[0m: %s" % (ename, evalue))
    return tb


def lines_of(text):
    """nbformat's list-of-lines form of a string."""
    if not text:
        return []
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


# ---------------------------------------------------------------------------
# A notebook under construction, and where each planted value lives.
# ---------------------------------------------------------------------------


class Builder:
    """Builds one notebook and records every planted value with its location."""

    def __init__(self, name, version=4):
        self.name = name
        self.version = version
        self.cells = []
        self.metadata = {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.6"},
        } if version == 4 else {"name": name.replace(".ipynb", "")}
        self.items = []  # (record, value) pairs; record holds the location
        self.counter = 0

    # -- cells ------------------------------------------------------------------

    def code(self, source, outputs=(), tags=None, metadata=None):
        self.counter += 1
        md = dict(metadata or {})
        if tags:
            md["tags"] = list(tags)
        if self.version == 4:
            cell = {"cell_type": "code", "execution_count": self.counter,
                    "id": "%08x" % (zlib.crc32(("%s%d" % (self.name, len(self.cells))).encode())),
                    "metadata": md, "outputs": [], "source": lines_of(source)}
        else:
            cell = {"cell_type": "code", "collapsed": False, "input": lines_of(source),
                    "language": "python", "metadata": md, "outputs": [],
                    "prompt_number": self.counter}
        self.cells.append(cell)
        for out in outputs:
            self.add_output(out)
        return len(self.cells)

    def markdown(self, source, attachments=None):
        cell = {"cell_type": "markdown", "metadata": {}, "source": lines_of(source)}
        if self.version == 4:
            cell["id"] = "%08x" % zlib.crc32(("%s%d" % (self.name, len(self.cells))).encode())
        if attachments:
            cell["attachments"] = attachments
        self.cells.append(cell)
        return len(self.cells)

    def heading(self, text, level=1):
        if self.version == 4:
            return self.markdown("#" * level + " " + text)
        self.cells.append({"cell_type": "heading", "level": level, "metadata": {},
                           "source": [text]})
        return len(self.cells)

    # -- outputs (converted to v3 shape when needed) -----------------------------

    def add_output(self, out):
        cell = self.cells[-1]
        kind = out[0]
        if kind == "stream":
            text = out[1]
            if self.version == 4:
                o = {"name": "stdout", "output_type": "stream", "text": lines_of(text)}
            else:
                o = {"output_type": "stream", "stream": "stdout", "text": lines_of(text)}
        elif kind in ("result", "display"):
            bundle = out[1]
            if self.version == 4:
                data = {}
                for mime, value in bundle.items():
                    if mime.startswith("image/") or mime == "application/json":
                        data[mime] = value
                    else:
                        data[mime] = lines_of(value)
                if kind == "result":
                    o = {"data": data, "execution_count": self.counter, "metadata": {},
                         "output_type": "execute_result"}
                else:
                    o = {"data": data, "metadata": {}, "output_type": "display_data"}
            else:
                keys = {"text/plain": "text", "text/html": "html", "image/png": "png",
                        "application/json": "json", "text/latex": "latex"}
                o = {"metadata": {}, "output_type": "pyout" if kind == "result" else "display_data"}
                if kind == "result":
                    o["prompt_number"] = self.counter
                for mime, value in bundle.items():
                    key = keys[mime]
                    o[key] = value if key in ("png", "json") else lines_of(value)
        elif kind == "error":
            ename, evalue, tb = out[1], out[2], out[3]
            o = {"ename": ename, "evalue": evalue,
                 "output_type": "error" if self.version == 4 else "pyerr", "traceback": tb}
        else:
            raise ValueError(kind)
        cell["outputs"].append(o)
        return len(cell["outputs"])

    # -- planting -------------------------------------------------------------------

    def plant(self, value, category, part, cell=None, output=None, mime=None,
              attachment=None, negative=False, note=""):
        """Records `value` at a location (cell and output 1-based; cell None for
        notebook metadata). Defaults point at the last cell and its last output."""
        if cell is None and part != "metadata-notebook":
            cell = len(self.cells)
        c = self.cells[cell - 1] if cell else None
        if part == "output" and output is None:
            output = len(c["outputs"])
        output_type = c["outputs"][output - 1]["output_type"] if part == "output" else None
        record = {
            "file": self.name,
            "nbformat": self.version,
            "cell": cell,
            "cell_type": c["cell_type"] if c else None,
            "part": "metadata" if part.startswith("metadata") else part,
            "output": output if part == "output" else None,
            "output_type": output_type,
            "mime": mime,
            "attachment": attachment,
            "kind": ("pii" if category in PII_CATEGORIES else "secret") if not negative else None,
            "category": category,
            "rule": None if negative else RULE_FOR_CATEGORY.get(category),
            "where": where_label(part, c, output_type, mime),
            "note": note,
        }
        self.items.append((record, value, negative))

    # -- serialising -----------------------------------------------------------------

    def document(self):
        if self.version == 4:
            return {"cells": self.cells, "metadata": self.metadata, "nbformat": 4,
                    "nbformat_minor": 5}
        return {"metadata": self.metadata, "nbformat": 3, "nbformat_minor": 0,
                "worksheets": [{"cells": self.cells, "metadata": {}}]}

    def json_path(self, record):
        cells = ("cells",) if self.version == 4 else ("worksheets", 0, "cells")
        if record["cell"] is None:
            return ("metadata",)
        base = cells + (record["cell"] - 1,)
        if record["part"] == "source":
            return base + ("source" if self.version == 4 or record["cell_type"] != "code"
                           else "input",)
        if record["part"] == "output":
            return base + ("outputs", record["output"] - 1)
        if record["part"] == "attachment":
            return base + ("attachments", record["attachment"])
        return base + ("metadata",)


def where_label(part, cell, output_type, mime):
    """A readable part kind used for per-part scores."""
    if part == "source":
        return "source(%s)" % cell["cell_type"]
    if part == "output":
        if output_type in ("error", "pyerr"):
            return "output(error)"
        if output_type == "stream":
            return "output(stream)"
        return "output(%s)" % (mime or "?")
    if part == "attachment":
        return "attachment(%s)" % (mime or "?")
    if part == "metadata-notebook":
        return "metadata(notebook)"
    return "metadata(cell)"


def dump_with_spans(doc):
    """The notebook as Jupyter writes it (json.dumps with indent=1, sorted keys,
    ensure_ascii=False) plus the first and last line of every JSON value, keyed
    by its path."""
    out = []
    spans = {}
    line = [1]

    def emit(s):
        out.append(s)
        line[0] += s.count("\n")

    def value(obj, path, level):
        start = line[0]
        if isinstance(obj, dict) and obj:
            emit("{")
            items = sorted(obj.items())
            for n, (k, v) in enumerate(items):
                emit("\n" + " " * (level + 1) + json.dumps(k, ensure_ascii=False) + ": ")
                value(v, path + (k,), level + 1)
                if n + 1 < len(items):
                    emit(",")
            emit("\n" + " " * level + "}")
        elif isinstance(obj, list) and obj:
            emit("[")
            for n, v in enumerate(obj):
                emit("\n" + " " * (level + 1))
                value(v, path + (n,), level + 1)
                if n + 1 < len(obj):
                    emit(",")
            emit("\n" + " " * level + "]")
        else:
            emit(json.dumps(obj, ensure_ascii=False))
        spans[path] = (start, line[0])

    value(doc, (), 0)
    text = "".join(out) + "\n"
    assert text == json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return text, spans


def raw_lines(text, span, value):
    """The 1-based lines inside `span` where a line of `value` occurs, in any of
    the forms the raw file can hold it (JSON-escaped, HTML-escaped)."""
    needles = set()
    for piece in value.split("\n"):
        piece = piece.strip()
        if len(piece) < 4:
            continue
        for form in (piece, html.escape(piece, quote=False), html.escape(piece)):
            needles.add(json.dumps(form, ensure_ascii=False)[1:-1])
    lines = text.split("\n")
    found = []
    for n in range(span[0], span[1] + 1):
        if any(nd in lines[n - 1] for nd in needles):
            found.append(n)
    return found


# ---------------------------------------------------------------------------
# The notebooks. Each template plants a few items and a few negatives; every
# value in a notebook that looks like a secret or personal data is either a
# labelled positive or a labelled negative.
# ---------------------------------------------------------------------------


def customers_frame(v, n, columns):
    rows = []
    for i in range(n):
        name = v.name()
        row = []
        for col in columns:
            row.append({
                "customer_id": lambda: str(10000 + v.rng.randrange(90000)),
                "name": lambda: name,
                "email": lambda: v.email(name),
                "phone": lambda: v.phone(),
                "ssn": lambda: v.ssn(),
                "card_number": lambda: v.card(spaced=False),
                "iban": lambda: v.iban(),
                "address": lambda: v.address(),
                "plan": lambda: v.rng.choice(["basic", "pro", "team", "enterprise"]),
                "churned": lambda: v.rng.choice(["True", "False"]),
                "ltv": lambda: "%.2f" % (v.rng.random() * 4000),
                "signup": lambda: "2023-%02d-%02d" % (v.rng.randrange(1, 13), v.rng.randrange(1, 29)),
                "amount": lambda: "%.2f" % (v.rng.random() * 900),
            }[col]())
        rows.append(row)
    return rows


COLUMN_CATEGORY = {"name": "name", "email": "email", "phone": "phone", "ssn": "ssn",
                   "card_number": "card", "iban": "iban", "address": "address"}


def plant_frame(b, columns, rows, mime, output=None, cell=None):
    for row in rows:
        for col, value in zip(columns, row):
            cat = COLUMN_CATEGORY.get(col)
            if cat:
                part_mime = None if mime == "stream" else mime
                b.plant(value, cat, "output", cell=cell, output=output, mime=part_mime,
                        note="DataFrame column %s" % col)


def nb_s3_ingest(b, v):
    b.heading("Daily ingest from the raw bucket")
    b.markdown("Pulls yesterday's export from S3 and loads it into the feature store.\n\n"
               "Credentials: use your own profile, e.g. `aws_access_key_id=YOUR_ACCESS_KEY_ID`.")
    b.plant("YOUR_ACCESS_KEY_ID", "placeholder", "source", negative=True)
    key, secret = v.aws_key(), v.aws_secret()
    b.code("import boto3\nimport pandas as pd\n\n"
           's3 = boto3.client(\n    "s3",\n    aws_access_key_id="%s",\n'
           '    aws_secret_access_key="%s",\n    region_name="eu-west-1",\n)' % (key, secret))
    b.plant(key, "aws-key", "source", note="boto3.client keyword")
    b.plant(secret, "aws-secret", "source", note="boto3.client keyword")
    objs = "\n".join("exports/2024-03-%02d/part-%05d.parquet  %d" % (d, d, v.rng.randrange(10**5, 10**7))
                     for d in range(1, 5))
    b.code('for obj in s3.list_objects_v2(Bucket="acme-raw")["Contents"][:4]:\n'
           '    print(obj["Key"], obj["Size"])', [("stream", objs + "\n")])
    b.markdown("The AWS docs use `AKIAIOSFODNN7EXAMPLE` / `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` "
               "in their examples; never commit real ones.")
    b.plant("AKIAIOSFODNN7EXAMPLE", "aws-example-key", "source", negative=True)
    b.plant("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-example-key", "source", negative=True)
    digest = v.sha256_hex()
    b.code('import hashlib\nraw = s3.get_object(Bucket="acme-raw", Key=key)["Body"].read()\n'
           'print("sha256:", hashlib.sha256(raw).hexdigest())',
           [("stream", "sha256: %s\n" % digest)])
    b.plant(digest, "hash", "output", negative=True)
    sha = v.git_sha()
    b.code("!git rev-parse HEAD", [("stream", sha + "\n")])
    b.plant(sha, "git-sha", "output", negative=True)


def nb_churn_sql(b, v):
    b.heading("Churn analysis - Q3")
    url = v.db_url()
    b.code("import pandas as pd\nfrom sqlalchemy import create_engine\n\n"
           'engine = create_engine("%s")' % url)
    b.plant(url, "db-url", "source", note="create_engine")
    cols = ["customer_id", "name", "email", "phone", "plan", "churned"]
    rows = customers_frame(v, 4, cols)
    b.code('df = pd.read_sql("SELECT * FROM customers WHERE churned", engine)\ndf.head(4)',
           [("result", {"text/plain": frame_text(cols, rows), "text/html": frame_html(cols, rows)})])
    plant_frame(b, cols, rows, "text/plain")
    plant_frame(b, cols, rows, "text/html")
    cols2 = ["customer_id", "ssn", "ltv"]
    rows2 = customers_frame(v, 3, cols2)
    b.code('print(df[["customer_id", "ssn", "ltv"]].head(3))',
           [("stream", frame_text(cols2, rows2) + "\n")])
    plant_frame(b, cols2, rows2, "stream")
    floats = [v.luhn_float() for _ in range(3)]
    b.code("model.predict_proba(X_test[:3])[:, 1]",
           [("result", {"text/plain": "array([%s])" % ", ".join(floats)})])
    for f in floats:
        b.plant(f, "luhn-float", "output", mime="text/plain", negative=True)
    who = v.email()
    code = ["account = accounts.loc[email]"]
    tb = traceback_lines("KeyError", repr(who), b.counter + 1, code, 0)
    b.code("\n".join(code), [("error", "KeyError", repr(who), tb)])
    b.plant(who, "email", "output", note="KeyError echoes the looked-up address")
    b.markdown("Re-run with `engine = create_engine(os.getenv(\"DATABASE_URL\"))` in CI.")
    b.plant('os.getenv("DATABASE_URL")', "getenv", "source", negative=True)


def nb_llm(b, v):
    b.heading("Prompt experiments")
    key = v.openai_key()
    b.code("import openai\nopenai.api_key = \"%s\"" % key)
    b.plant(key, "openai-key", "source", note="openai.api_key =")
    hf = v.hf_token()
    b.code("%%env HF_TOKEN=%s" % hf, [("stream", "env: HF_TOKEN=%s\n" % hf)])
    b.plant(hf, "hf-token", "source", note="%env magic")
    b.plant(hf, "hf-token", "output", note="%env echo")
    key2 = v.openai_key()
    b.code('import os\nos.environ["OPENAI_API_KEY"] = "%s"\n'
           'client = openai.OpenAI()' % key2)
    b.plant(key2, "openai-key", "source", note="os.environ assignment")
    b.code('api_key = os.getenv("OPENAI_API_KEY")  # set in your shell, never here\n'
           'backup_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"')
    b.plant('os.getenv("OPENAI_API_KEY")', "getenv", "source", negative=True)
    b.plant("sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder", "source",
            negative=True)
    run_id = v.uuid4()
    b.code('resp = client.chat.completions.create(model="gpt-4o-mini", messages=msgs)\n'
           "print(resp.id, resp.usage.total_tokens)",
           [("stream", "chatcmpl-%s 412\n" % run_id)])
    b.plant(run_id, "uuid", "output", negative=True)
    token = v.jwt()
    code = ['import requests', 'url = "https://api.internal.acme-corp.com/v1/reports"',
            'resp = requests.get(url, headers={"Authorization": "Bearer %s"}, timeout=5)' % token,
            'resp.raise_for_status()']
    tb = traceback_lines("HTTPError", "403 Client Error: Forbidden for url: "
                         "https://api.internal.acme-corp.com/v1/reports", b.counter + 1, code, 3,
                         frames=["File \x1b[0;32m/opt/conda/lib/python3.11/site-packages/requests/models.py:1021\x1b[0m, in \x1b[0;36mResponse.raise_for_status\x1b[0;34m(self)\x1b[0m"])
    b.code("\n".join(code), [("error", "HTTPError", "403 Client Error: Forbidden for url: "
                              "https://api.internal.acme-corp.com/v1/reports", tb)])
    b.plant(token, "jwt", "source", note="Authorization header")
    b.plant(token, "jwt", "output", note="traceback echoes the cell's code")


def nb_api_scrape(b, v):
    b.heading("Pulling issues from the GitHub API")
    pat = v.github_pat()
    b.code('GITHUB_TOKEN = "%s"\nheaders = {"Authorization": f"token {GITHUB_TOKEN}"}' % pat)
    b.plant(pat, "github-token", "source", note="module constant")
    bearer = v.generic_secret()
    b.code('!curl -s -H "Authorization: Bearer %s" https://api.acme-corp.com/v2/users?limit=2' % bearer,
           [("stream", '{"users": [{"id": 81, "status": "active"}, {"id": 82, "status": "invited"}]}\n')])
    b.plant(bearer, "bearer-token", "source", note="!curl header")
    users = []
    for _ in range(2):
        n = v.name()
        users.append({"id": v.rng.randrange(100, 999), "name": n, "email": v.email(n),
                      "phone": v.phone(), "created_at": "2024-01-%02dT10:12:00Z" % v.rng.randrange(1, 29)})
    b.code("from IPython.display import JSON\nJSON(resp.json())",
           [("display", {"application/json": {"users": users},
                         "text/plain": "<IPython.core.display.JSON object>"})])
    for u in users:
        b.plant(u["name"], "name", "output", mime="application/json", note="JSON user record")
        b.plant(u["email"], "email", "output", mime="application/json", note="JSON user record")
        b.plant(u["phone"], "phone", "output", mime="application/json", note="JSON user record")
    b.code('token = "<token>"  # paste yours locally\nheaders = {"Authorization": "Bearer <token>"}')
    b.plant("<token>", "placeholder", "source", negative=True)
    b.markdown("Questions: ping the data team at data-team@example.com or "
               "jane.doe@example.org.")
    b.plant("data-team@example.com", "example-email", "source", negative=True)
    b.plant("jane.doe@example.org", "example-email", "source", negative=True)


def nb_payments(b, v):
    b.heading("Failed payments - reconciliation")
    cols = ["customer_id", "name", "card_number", "iban", "amount"]
    rows = customers_frame(v, 3, cols)
    b.code('failed = payments[payments.status == "failed"]\nfailed.head(3)',
           [("result", {"text/plain": frame_text(cols, rows), "text/html": frame_html(cols, rows)})])
    plant_frame(b, cols, rows, "text/plain")
    plant_frame(b, cols, rows, "text/html")
    card, who = v.card(spaced=True), v.name()
    b.markdown("Customer %s disputed the charge on card %s; see ticket #%d." % (
        who, card, v.rng.randrange(1000, 9999)))
    b.plant(who, "name", "source", note="markdown note")
    b.plant(card, "card", "source", note="markdown note")
    ts = [v.luhn_timestamp() for _ in range(2)]
    b.code("events.ts_ns.head(2).tolist()", [("result", {"text/plain": "[%s]" % ", ".join(ts)})])
    for t in ts:
        b.plant(t, "luhn-timestamp", "output", mime="text/plain", negative=True)
    ids = [v.digit_run() for _ in range(3)]
    b.code("payments.ref.sample(3, random_state=0).tolist()",
           [("result", {"text/plain": "[%s]" % ", ".join("'%s'" % i for i in ids)})])
    for i in ids:
        b.plant(i, "digit-run", "output", mime="text/plain", negative=True)
    b.markdown("The bank's own documentation example is `DE89370400440532013000`.")
    b.plant("DE89370400440532013000", "iban-example", "source", negative=True)


def nb_papermill(b, v):
    slack = v.slack_token()
    api_token = v.generic_secret()
    notify = v.email()
    b.metadata["papermill"] = {
        "default_parameters": {},
        "parameters": {"run_date": "2024-04-02", "api_token": api_token, "slack_token": slack,
                       "notify": notify},
        "environment_variables": {}, "version": "2.5.0",
        "input_path": "templates/weekly_report.ipynb", "output_path": "runs/weekly_report.ipynb",
    }
    b.plant(api_token, "generic-secret", "metadata-notebook", note="papermill parameters")
    b.plant(slack, "slack-token", "metadata-notebook", note="papermill parameters")
    b.plant(notify, "email", "metadata-notebook", note="papermill parameters")
    b.code('run_date = "2024-01-01"\napi_token = "changeme"\nslack_token = "xxxx"',
           tags=["parameters"])
    b.plant("changeme", "placeholder", "source", negative=True)
    b.plant("xxxx", "placeholder", "source", negative=True)
    b.code('# Parameters\nrun_date = "2024-04-02"\napi_token = "%s"\nslack_token = "%s"\n'
           % (api_token, slack), tags=["injected-parameters"],
           metadata={"papermill": {"duration": 0.01, "status": "completed"}})
    b.plant(api_token, "generic-secret", "source", note="papermill injected parameters")
    b.plant(slack, "slack-token", "source", note="papermill injected parameters")
    stripe = v.stripe_key()
    b.code('import stripe\nstripe.api_key = "%s"\nbalance = stripe.Balance.retrieve()' % stripe)
    b.plant(stripe, "stripe-key", "source", note="stripe.api_key")
    png = base64.b64encode(png_bytes(v.rng)).decode()
    b.code("fig, ax = plt.subplots()\nax.plot(weekly.revenue)",
           [("display", {"image/png": png, "text/plain": "<Figure size 640x480 with 1 Axes>"})])
    b.plant(png, "image-base64", "output", mime="image/png", negative=True)


def nb_attachments(b, v):
    b.heading("Onboarding notes")
    pw = v.password()
    email = v.email()
    note = "prod read replica\nuser: analyst\npassword: %s\nowner: %s\n" % (pw, email)
    png = base64.b64encode(png_bytes(v.rng, 40, 24, noisy=False)).decode()
    b.markdown("Connection details (pasted from the wiki):\n\n![creds](attachment:creds.txt)\n\n"
               "![screenshot](attachment:schema.png)",
               attachments={"creds.txt": {"text/plain": note}, "schema.png": {"image/png": png}})
    b.plant(pw, "password", "attachment", attachment="creds.txt", mime="text/plain",
            note="text/plain attachment")
    b.plant(email, "email", "attachment", attachment="creds.txt", mime="text/plain",
            note="text/plain attachment")
    b.plant(png, "image-base64", "attachment", attachment="schema.png", mime="image/png",
            negative=True)
    pw2 = v.password()
    b.code('import psycopg2\nconn = psycopg2.connect(host="db.internal", user="analyst",\n'
           '                        password="%s", dbname="crm")' % pw2)
    b.plant(pw2, "password", "source", note="keyword argument")
    key = v.private_key()
    b.code('KEY = """%s"""\nwith open("/tmp/deploy_key", "w") as fh:\n    fh.write(KEY)' % key)
    b.plant(key, "private-key", "source", note="triple-quoted key")
    sa_key = v.private_key("PRIVATE KEY")
    sa = {"type": "service_account", "project_id": "acme-analytics-prod",
          "private_key_id": v.sha256_hex()[:40], "private_key": sa_key + "\n",
          "client_email": "etl-runner@acme-analytics-prod.iam.gserviceaccount.com",
          "token_uri": "https://oauth2.googleapis.com/token"}
    b.code('import json\nsa = json.load(open("service_account.json"))\nsa',
           [("result", {"application/json": sa, "text/plain": "{...}"})])
    b.plant(sa_key, "private-key", "output", mime="application/json",
            note="service account JSON output")
    b.plant("etl-runner@acme-analytics-prod.iam.gserviceaccount.com", "service-account-email",
            "output", mime="application/json", negative=True)


def nb_patients(b, v):
    b.heading("Clinic visits - cohort check")
    cols = ["name", "ssn", "phone", "address"]
    rows = customers_frame(v, 3, cols)
    b.code("print(cohort[['name', 'ssn', 'phone', 'address']].head(3))",
           [("stream", frame_text(cols, rows) + "\n")])
    plant_frame(b, cols, rows, "stream")
    p = v.name()
    e, ph = v.email(p), v.phone()
    b.markdown("| patient | contact | phone |\n|---|---|---|\n| %s | %s | %s |" % (p, e, ph))
    b.plant(p, "name", "source", note="markdown table")
    b.plant(e, "email", "source", note="markdown table")
    b.plant(ph, "phone", "source", note="markdown table")
    b.code("print('invalid ids dropped:', bad_ids)",
           [("stream", "invalid ids dropped: ['000-12-3456', '666-45-6789', '123-00-4567']\n")])
    for s in ("000-12-3456", "666-45-6789", "123-00-4567"):
        b.plant(s, "invalid-ssn", "output", negative=True)
    uid = v.uuid4()
    b.code("visit_id = %r" % uid)
    b.plant(uid, "uuid", "source", negative=True)
    google = v.google_api_key()
    b.code('gmaps = googlemaps.Client(key="%s")' % google)
    b.plant(google, "google-api-key", "source", note="googlemaps client")


def nb_legacy_v3(b, v):
    """A 2014-style notebook (nbformat 3): input, pyout, pyerr."""
    b.heading("Scraping the members list", 1)
    url = "mysql://root:%s@127.0.0.1:3306/members" % v.password()
    b.code('import MySQLdb\nimport pandas as pd\nDB_URL = "%s"' % url)
    b.plant(url, "db-url", "source", note="v3 input")
    pw = v.password()
    b.code('smtp_password = "%s"\nserver.login("newsletter", smtp_password)' % pw)
    b.plant(pw, "password", "source", note="v3 input")
    cols = ["name", "email", "phone"]
    rows = customers_frame(v, 3, cols)
    b.code("members.head(3)",
           [("result", {"text/plain": frame_text(cols, rows), "text/html": frame_html(cols, rows)})])
    plant_frame(b, cols, rows, "text/plain")
    plant_frame(b, cols, rows, "text/html")
    key = v.aws_key()
    code = ['conn = boto.connect_s3("%s", SECRET)' % key, 'bucket = conn.get_bucket("members-dump")']
    tb = traceback_lines("S3ResponseError", "S3ResponseError: 403 Forbidden", b.counter + 1, code, 1)
    b.code("\n".join(code), [("error", "S3ResponseError", "S3ResponseError: 403 Forbidden", tb)])
    b.plant(key, "aws-key", "source", note="v3 input")
    b.plant(key, "aws-key", "output", note="v3 pyerr echoes the code")
    e = v.email()
    b.code('print("sent to", to_addr)', [("stream", "sent to %s\n" % e)])
    b.plant(e, "email", "output", note="v3 stream")


def nb_cell_metadata(b, v):
    b.heading("Model registry sync")
    token, aws = v.hf_token(), v.aws_key()
    b.code("from huggingface_hub import HfApi\napi = HfApi()\napi.upload_folder(folder_path=\"model/\")",
           metadata={"jupyter": {"source_hidden": False},
                     "env": {"HF_TOKEN": token, "AWS_ACCESS_KEY_ID": aws}})
    b.plant(token, "hf-token", "metadata-cell", note="cell metadata env")
    b.plant(aws, "aws-key", "metadata-cell", note="cell metadata env")
    iban = v.iban()
    b.code('print("payout account:", payout.iban)', [("stream", "payout account: %s\n" % iban)])
    b.plant(iban, "iban", "output", note="stream")
    shas = [v.git_sha()[:7] for _ in range(3)]
    b.code("!git log --oneline -3",
           [("stream", "".join("%s %s\n" % (s, m) for s, m in
                               zip(shas, ["Fix leakage in CV split", "Add calibration", "Bump sklearn"])))])
    for s in shas:
        b.plant(s, "git-sha", "output", negative=True)
    pat = v.github_pat()
    b.code('!git clone https://%s@github.com/acme/models.git' % pat,
           [("stream", "Cloning into 'models'...\n")])
    b.plant(pat, "github-token", "source", note="token in clone URL")
    pw = v.password()
    b.code('mlflow_password = "%s"' % pw)
    b.plant(pw, "password", "source", note="assignment")


def nb_spark_polars(b, v):
    """Tables drawn as text: Spark's show(), a polars frame, a tabulate grid."""
    b.heading("Lakehouse export check")
    pw = v.password()
    b.code('df = (spark.read.format("jdbc")\n'
           '      .option("url", "jdbc:postgresql://warehouse:5432/crm")\n'
           '      .option("user", "etl_user").option("password", "%s").load())' % pw)
    b.plant(pw, "password", "source", note="Spark JDBC option")
    cols = ["customer_id", "name", "email", "phone"]
    rows = customers_frame(v, 3, cols)
    b.code("df.select(%s).show(3, truncate=False)" % ", ".join(repr(c) for c in cols),
           [("stream", spark_show(cols, rows) + "\n")])
    plant_frame(b, cols, rows, "stream")
    cols2 = ["customer_id", "ssn", "iban"]
    rows2 = customers_frame(v, 3, cols2)
    b.code('pl.read_parquet("payouts.parquet").select(%s).head(3)' % ", ".join(repr(c) for c in cols2),
           [("result", {"text/plain": polars_frame(cols2, ["i64", "str", "str"], rows2)})])
    plant_frame(b, cols2, rows2, "text/plain")
    runs = [[v.git_sha()[:8], "%.4f" % (v.rng.random() / 2), "%.3f" % (0.7 + v.rng.random() / 4)]
            for _ in range(3)]
    b.code('print(tabulate(runs, headers=["run", "loss", "auc"], tablefmt="grid"))',
           [("stream", grid_table(["run", "loss", "auc"], runs) + "\n")])
    for run in runs:
        b.plant(run[0], "git-sha", "output", negative=True)
    cols3 = ["name", "address"]
    rows3 = customers_frame(v, 2, cols3)
    b.code('print(tabulate(visits, headers=["name", "address"], tablefmt="grid"))',
           [("stream", grid_table(cols3, rows3) + "\n")])
    plant_frame(b, cols3, rows3, "stream")
    cols4 = ["name", "email", "plan"]
    rows4 = customers_frame(v, 3, cols4)
    b.code("print(trials.to_string(index=False))",
           [("stream", frame_text_noindex(cols4, rows4) + "\n")])
    plant_frame(b, cols4, rows4, "stream")
    person = v.name()
    contact = {"id": v.rng.randrange(10**5), "name": person, "email": v.email(person),
               "phone": v.phone(), "plan": "pro"}
    b.code("print(crm.get_contact(%d))" % contact["id"], [("stream", repr(contact) + "\n")])
    for key in ("name", "email", "phone"):
        b.plant(contact[key], key, "output", note="dict printed from an API client")


TEMPLATES = [
    ("s3_ingest", nb_s3_ingest, 4),
    ("churn_sql", nb_churn_sql, 4),
    ("llm_prompts", nb_llm, 4),
    ("github_api", nb_api_scrape, 4),
    ("payments", nb_payments, 4),
    ("weekly_report_papermill", nb_papermill, 4),
    ("onboarding_notes", nb_attachments, 4),
    ("clinic_cohort", nb_patients, 4),
    ("members_2014", nb_legacy_v3, 3),
    ("model_registry", nb_cell_metadata, 4),
    ("lakehouse_export", nb_spark_polars, 4),
]


def generate(out_dir, seed, copies):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    rng = random.Random(seed)
    values = Values(rng)
    labels, negatives = [], []
    for copy in range(copies):
        for stem, template, version in TEMPLATES:
            # The last copy of two v4 templates is written as nbformat 3, so the
            # legacy reader sees DataFrames and tables too, not only one template.
            if version == 4 and copy == copies - 1 and stem in ("churn_sql", "payments"):
                version = 3
            name = "%s_%02d.ipynb" % (stem, copy + 1)
            b = Builder(name, version)
            template(b, values)
            text, spans = dump_with_spans(b.document())
            (out_dir / name).write_text(text, encoding="utf-8")
            for record, value, negative in b.items:
                span = spans[b.json_path(record)]
                record["raw_lines"] = raw_lines(text, span, value)
                if not record["raw_lines"]:
                    raise SystemExit("internal: %s %s not found in raw text" % (name, record["category"]))
                record["sha256"] = hashlib.sha256(value.encode()).hexdigest()
                (negatives if negative else labels).append(record)
    for n, rec in enumerate(labels, 1):
        rec["id"] = "P%04d" % n
    for n, rec in enumerate(negatives, 1):
        rec["id"] = "N%04d" % n
    doc = {
        "version": 1,
        "generator": "bench/make_labelled.py",
        "seed": seed,
        "copies": copies,
        "notebooks": copies * len(TEMPLATES),
        "note": "cell and output count from 1; cell is null for notebook metadata; raw_lines "
                "are 1-based lines of the .ipynb file; values are stored only as SHA-256",
        "labels": labels,
        "negatives": negatives,
    }
    (out_dir / "labels.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return doc


def main():
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(here / "out" / "labelled"))
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--copies", type=int, default=4,
                        help="how many notebooks per template (default 4)")
    args = parser.parse_args()
    doc = generate(args.out, args.seed, args.copies)
    print("wrote %d notebooks, %d labelled items, %d negatives to %s" % (
        doc["notebooks"], len(doc["labels"]), len(doc["negatives"]), args.out))


if __name__ == "__main__":
    main()
