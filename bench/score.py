#!/usr/bin/env python3
"""Scores scanners against the labelled set and counts what they report on the
real corpus, all tools the same way.

A tool's output is first turned into plain findings: file (relative to the
scanned folder), raw .ipynb line, and, when the tool knows it (nbgate does),
cell, part, output, attachment and MIME type; plus a category ("aws-key",
"email", ... or "generic" for keyword and entropy detectors).

A labelled item counts as found when a finding in its file has a compatible
category and either sits at the item's location (same cell, part, output or
attachment, and MIME type when both name one) or reports one of the raw lines
that hold the item's value. Recall is found items / items; precision is
findings that match an item / all findings.

Subcommands:
  time      --tool NAME --dataset D --runs N --cwd DIR --stdout FILE --log JSONL -- CMD ...
  labelled  --labels labels.json --tool NAME=FORMAT:FILE ... [--json OUT] [--markdown OUT]
  corpus    --known known_matches.json --tool NAME=FORMAT:FILE ... [--json OUT]
  report    --timings JSONL --labelled JSON --corpus JSON --meta KEY=VALUE ... --out results.md
FORMAT is nbgate, detect-secrets or secretlint.

Python 3 standard library only.
"""

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import time

# ---------------------------------------------------------------------------
# Categories: one vocabulary for labels and every tool's rule names.
# ---------------------------------------------------------------------------

PII = {"email", "phone", "ssn", "card", "iban", "name", "address", "ip"}

# Substrings of an nbgate rule id, checked in order; the first that occurs wins.
NBGATE_CATEGORY = [
    ("aws-access-key", "aws-key"), ("aws-secret", "aws-secret"), ("github", "github-token"),
    ("openai", "openai-key"), ("hugging", "hf-token"), ("hf-", "hf-token"),
    ("slack", "slack-token"), ("stripe", "stripe-key"), ("google-api", "google-api-key"),
    ("gcp-api", "google-api-key"), ("jwt", "jwt"), ("bearer", "bearer-token"),
    ("database-url", "db-url"), ("connection-string", "db-url"), ("db-url", "db-url"),
    ("password", "password"), ("private-key", "private-key"), ("email", "email"),
    ("phone", "phone"), ("ssn", "ssn"), ("social-security", "ssn"), ("card", "card"),
    ("iban", "iban"), ("ip-address", "ip"), ("address", "address"), ("name", "name"),
]

DETECT_SECRETS_CATEGORY = {
    "AWS Access Key": "aws-key",
    "GitHub Token": "github-token",
    "OpenAI Token": "openai-key",
    "Slack Token": "slack-token",
    "Stripe Access Key": "stripe-key",
    "JSON Web Token": "jwt",
    "Private Key": "private-key",
    "Basic Auth Credentials": "db-url",
    "Public IP (ipv4)": "ip",
}

SECRETLINT_CATEGORY = [
    ("AWSAccessKeyID", "aws-key"), ("AWSSecretAccessKey", "aws-secret"),
    ("secretlint-rule-github", "github-token"), ("secretlint-rule-openai", "openai-key"),
    ("secretlint-rule-huggingface", "hf-token"), ("secretlint-rule-slack", "slack-token"),
    ("secretlint-rule-privatekey", "private-key"), ("secretlint-rule-gcp", "private-key"),
    ("secretlint-rule-basicauth", "db-url"), ("database-connection-string", "db-url"),
]

# Label categories that any secret rule at the same place finds: they have no
# shape of their own, only a keyword next to them.
SHAPELESS = {"generic-secret", "bearer-token", "password"}


def read_text(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def nbgate_category(rule, kind):
    for needle, category in NBGATE_CATEGORY:
        if needle in rule:
            return category
    return "generic" if kind == "secret" else "other-pii"


def compatible(finding_category, label):
    if finding_category == label["category"]:
        return True
    if label["kind"] == "secret" and finding_category not in PII:
        return finding_category == "generic" or label["category"] in SHAPELESS
    return False


# ---------------------------------------------------------------------------
# Reading each tool's output into findings.
# ---------------------------------------------------------------------------


def relative(path, root):
    path = path.replace("\\", "/")
    if root and os.path.isabs(path):
        path = os.path.relpath(path, root)
    return path[2:] if path.startswith("./") else path


def read_nbgate(path, root):
    doc = load_json(path)
    out = []
    for f in doc.get("findings", []):
        out.append({
            "file": relative(f["path"], root), "line": f.get("file_line"),
            "cell": f.get("cell"), "part": f.get("part"), "output": f.get("output"),
            "attachment": f.get("attachment"), "mime": f.get("mime"),
            "rule": f["rule"], "kind": f.get("kind"),
            "category": nbgate_category(f["rule"], f.get("kind")),
            "located": True,
        })
    return out


def read_detect_secrets(path, root):
    doc = load_json(path)
    out = []
    for file, results in doc.get("results", {}).items():
        for r in results:
            out.append({
                "file": relative(file, root), "line": r["line_number"], "rule": r["type"],
                "kind": "secret", "category": DETECT_SECRETS_CATEGORY.get(r["type"], "generic"),
                "located": False,
            })
    return out


def read_secretlint(path, root):
    with open(path, encoding="utf-8") as fh:
        text = fh.read().strip()
    doc = json.loads(text) if text else []
    out = []
    for file in doc:
        for m in file.get("messages", []):
            key = "%s %s" % (m.get("ruleId", ""), m.get("messageId", ""))
            category = next((c for needle, c in SECRETLINT_CATEGORY if needle in key), "generic")
            out.append({
                "file": relative(file["filePath"], root), "line": m["loc"]["start"]["line"],
                "rule": "%s/%s" % (m.get("ruleId", "").replace("@secretlint/secretlint-rule-", ""),
                                   m.get("messageId", "")),
                "kind": "secret", "category": category, "located": False,
            })
    return out


READERS = {"nbgate": read_nbgate, "detect-secrets": read_detect_secrets,
           "secretlint": read_secretlint}


def parse_tools(specs, root):
    tools = []
    for spec in specs:
        name, _, rest = spec.partition("=")
        fmt, _, path = rest.partition(":")
        if fmt not in READERS:
            raise SystemExit("unknown format %r in %r (nbgate, detect-secrets, secretlint)" % (fmt, spec))
        if not os.path.exists(path):
            tools.append((name, None))
            continue
        try:
            tools.append((name, READERS[fmt](path, root)))
        except (ValueError, KeyError) as err:
            print("score: %s: cannot read %s: %s" % (name, path, err), file=sys.stderr)
            tools.append((name, None))
    return tools


# ---------------------------------------------------------------------------
# Matching.
# ---------------------------------------------------------------------------


def same_place(finding, item):
    """The finding sits where the item lives: on one of its raw lines, or, for
    tools that name cells, in the same part."""
    if finding["file"] != item["file"]:
        return False
    if finding["line"] is not None and finding["line"] in item["raw_lines"]:
        return True
    if not finding["located"] or finding["cell"] != item["cell"] or finding["part"] != item["part"]:
        return False
    if item["part"] == "output":
        if finding["output"] != item["output"]:
            return False
        if finding["mime"] and item["mime"] and finding["mime"] != item["mime"]:
            return False
    if item["part"] == "attachment" and finding["attachment"] != item["attachment"]:
        return False
    return True


def score_tool(findings, labels, negatives):
    by_file = collections.defaultdict(list)
    for f in findings:
        by_file[f["file"]].append(f)
    found, found_any = set(), set()
    matched = set()
    for item in labels:
        for n, f in enumerate(by_file.get(item["file"], [])):
            if not same_place(f, item):
                continue
            if f["kind"] == item["kind"] or (item["kind"] == "secret" and f["category"] not in PII):
                found_any.add(item["id"])
            if compatible(f["category"], item):
                found.add(item["id"])
                matched.add(id(f))
    # A value a tool reports once per file (detect-secrets keeps one result per
    # value and file) counts as found everywhere it occurs in that file: the
    # file is blocked either way. `found` stays strict, per place.
    seen_values = {(item["file"], item["sha256"]) for item in labels if item["id"] in found}
    credited = {item["id"] for item in labels if (item["file"], item["sha256"]) in seen_values}
    # Findings that match no item: on a planted negative, or unplanned.
    false_positives = collections.Counter()
    examples = {}
    for f in findings:
        if id(f) in matched:
            continue
        on_negative = next((neg for neg in negatives if same_place(f, neg)), None)
        reason = ("negative:" + on_negative["category"]) if on_negative else "unplanned"
        false_positives[(reason, f["rule"])] += 1
        where = "%s line %s" % (f["file"], f["line"])
        if f["located"]:
            where = "%s cell %s %s%s" % (f["file"], f["cell"], f["part"],
                                         " %s" % f["output"] if f["output"] else "")
        examples.setdefault((reason, f["rule"]), where)
    return found, credited, found_any, len(matched), (false_positives, examples)


def ratio(a, b):
    return a / b if b else None


def pct(x):
    return "n/a" if x is None else "%.0f%%" % (100 * x)


def labelled(args):
    doc = load_json(args.labels)
    labels, negatives = doc["labels"], doc["negatives"]
    root = os.path.dirname(os.path.abspath(args.labels))
    tools = parse_tools(args.tool, root)
    result = {"labels": len(labels), "negatives": len(negatives), "tools": {}}
    for name, findings in tools:
        if findings is None:
            result["tools"][name] = None
            continue
        found, credited, found_any, matched, fps = score_tool(findings, labels, negatives)
        per = {}
        # Per part kind counts places strictly; per category and kind credit a
        # value found elsewhere in the same file.
        for key, hits in (("category", credited), ("where", found), ("kind", credited)):
            groups = collections.defaultdict(lambda: [0, 0])
            for item in labels:
                groups[item[key]][1] += 1
                groups[item[key]][0] += item["id"] in hits
            per[key] = {k: {"found": v[0], "total": v[1]} for k, v in sorted(groups.items())}
        missed = [item for item in labels if item["id"] not in found]
        result["tools"][name] = {
            "findings": len(findings),
            "matched_findings": matched,
            "recall": ratio(len(credited), len(labels)),
            "recall_every_place": ratio(len(found), len(labels)),
            "recall_any_rule": ratio(len(found_any), len(labels)),
            "precision": ratio(matched, len(findings)),
            "per": per,
            "false_positives": [{"why": k[0], "rule": k[1], "count": c, "example": fps[1][k]}
                                for k, c in sorted(fps[0].items(), key=lambda kv: (-kv[1], kv[0]))],
            "missed": [{"id": m["id"], "file": m["file"], "cell": m["cell"], "where": m["where"],
                        "category": m["category"], "note": m["note"],
                        "any_rule_here": m["id"] in found_any,
                        "value_found_elsewhere": m["id"] in credited} for m in missed],
        }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
    text = labelled_markdown(result, [n for n, _ in tools])
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(text)
    print(text)


def labelled_markdown(result, names):
    live = [n for n in names if result["tools"].get(n)]
    out = ["### Labelled set: %d planted items, %d planted negatives" % (
        result["labels"], result["negatives"]), ""]
    out.append("| tool | findings | recall | recall (secrets) | recall (PII) | recall, every "
               "place | recall, any rule of the kind in the part | precision |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in names:
        t = result["tools"].get(n)
        if not t:
            out.append("| %s | unavailable | | | | | | |" % n)
            continue
        kind = t["per"]["kind"]
        out.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            n, t["findings"], pct(t["recall"]),
            pct(ratio(kind.get("secret", {}).get("found", 0), kind.get("secret", {}).get("total", 0))),
            pct(ratio(kind.get("pii", {}).get("found", 0), kind.get("pii", {}).get("total", 0))),
            pct(t["recall_every_place"]), pct(t["recall_any_rule"]), pct(t["precision"])))
    out += ["", "Recall credits a value a tool reports once per file everywhere it occurs in that "
            "file; \"every place\" does not. The part-kind table counts places."]
    for key, title in (("category", "Recall per category"), ("where", "Recall per part kind")):
        out += ["", "#### " + title, "",
                "| %s | items | %s |" % (key, " | ".join(live)),
                "|---|---:|%s" % ("---:|" * len(live))]
        first = result["tools"][live[0]]["per"][key] if live else {}
        for k in first:
            total = first[k]["total"]
            cells = ["%d (%s)" % (result["tools"][n]["per"][key][k]["found"],
                                  pct(ratio(result["tools"][n]["per"][key][k]["found"], total)))
                     for n in live]
            out.append("| %s | %d | %s |" % (k, total, " | ".join(cells)))
    for n in live:
        fps = result["tools"][n]["false_positives"]
        if not fps:
            continue
        out += ["", "#### %s: findings that match no planted item" % n, "",
                "| on | rule | count | example |", "|---|---|---:|---|"]
        for fp in fps[:25]:
            out.append("| %s | %s | %d | %s |" % (fp["why"], fp["rule"], fp["count"], fp["example"]))
        if len(fps) > 25:
            out.append("| ... | %d more rows | |" % (len(fps) - 25))
    for n in live:
        if n != "nbgate" and not n.startswith("nbgate"):
            continue
        groups = collections.Counter((m["category"], m["where"]) for m in result["tools"][n]["missed"])
        if not groups:
            continue
        out += ["", "#### %s: planted items it misses (category, part kind)" % n, "",
                "| category | part kind | missed | another rule of the kind fired in the part "
                "| same value found elsewhere in the file | example |",
                "|---|---|---:|---:|---:|---|"]
        missed = result["tools"][n]["missed"]
        anyhere = collections.Counter((m["category"], m["where"]) for m in missed if m["any_rule_here"])
        elsewhere = collections.Counter((m["category"], m["where"]) for m in missed
                                        if m["value_found_elsewhere"])
        example = {}
        for m in missed:
            place = "cell %s" % m["cell"] if m["cell"] else "notebook metadata"
            example.setdefault((m["category"], m["where"]), "%s %s (%s)" % (
                m["file"], place, m["note"]))
        for (cat, where), c in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            out.append("| %s | %s | %d | %d | %d | %s |" % (
                cat, where, c, anyhere[(cat, where)], elsewhere[(cat, where)],
                example[(cat, where)]))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# The real corpus: every finding is a candidate false positive, except the
# PII-shaped strings known_matches.json says a scanner may report.
# ---------------------------------------------------------------------------


def spec_path(specs, name):
    for spec in specs:
        n, _, rest = spec.partition("=")
        fmt, _, path = rest.partition(":")
        if n == name and fmt == "nbgate":
            return path
    return None


def nbgate_not_read(path):
    """Parts nbgate listed as not read (images without OCR), by reason."""
    if not path:
        return None
    doc = load_json(path)
    return dict(collections.Counter(s.get("reason", "?") for s in doc.get("skipped", [])))


def corpus(args):
    known = load_json(args.known) if args.known else []
    may = [k for k in known if k["expectation"] == "may_report"]
    root = os.path.dirname(os.path.abspath(args.known)) if args.known else None
    tools = parse_tools(args.tool, root)
    result = {}
    for name, findings in tools:
        if findings is None:
            result[name] = None
            continue
        left = []
        excused = 0
        for f in findings:
            # known_matches counts cells and outputs from 0.
            hit = f["located"] and any(
                k["file"] == f["file"] and k["cell"] + 1 == f["cell"] and k["part"] == f["part"]
                and (k["output"] is None or k["output"] + 1 == f["output"])
                and f["category"] == k["naive_pattern"] for k in may)
            if hit:
                excused += 1
            else:
                left.append(f)
        def listed_as(f):
            for k in known:
                if (f["located"] and k["file"] == f["file"] and k["cell"] + 1 == f["cell"]
                        and k["part"] == f["part"] and f["category"] == k["naive_pattern"]):
                    return k["expectation"]
            return "not listed"

        per_rule = collections.Counter(f["rule"] for f in left)
        per_listing = collections.Counter(listed_as(f) for f in left)
        per_part = collections.Counter(
            (f["part"] or "?") + (("(%s)" % f["mime"]) if f.get("mime") else "") if f["located"]
            else "raw line" for f in left)
        result[name] = {
            "not_read": nbgate_not_read(spec_path(args.tool, name)),
            "findings": len(findings), "may_report": excused, "false_positives": len(left),
            "files": len({f["file"] for f in left}),
            "per_rule": dict(per_rule.most_common()), "per_part": dict(per_part.most_common()),
            "per_known_matches": dict(per_listing.most_common()),
        }
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
    lines = ["| tool | findings | excused (may_report) | candidate false positives | files |",
             "|---|---:|---:|---:|---:|"]
    for name, _ in tools:
        r = result[name]
        if r is None:
            lines.append("| %s | unavailable | | | |" % name)
        else:
            lines.append("| %s | %d | %d | %d | %d |" % (name, r["findings"], r["may_report"],
                                                       r["false_positives"], r["files"]))
    print("\n".join(lines))


# ---------------------------------------------------------------------------
# Timing: wall time and CPU time (user + system, children included) per run.
# ---------------------------------------------------------------------------


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args):
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    walls, cpus, codes = [], [], []
    for _ in range(args.runs):
        cpu0, wall0 = children_cpu(), time.perf_counter()
        with open(args.stdout, "wb") as out, open(args.stdout + ".stderr", "wb") as err:
            try:
                code = subprocess.call(cmd, cwd=args.cwd, stdout=out, stderr=err)
            except OSError as e:
                err.write(str(e).encode())
                code = 127
        walls.append(time.perf_counter() - wall0)
        cpus.append(children_cpu() - cpu0)
        codes.append(code)
        if code not in args.ok:
            break
    ok = all(c in args.ok for c in codes)
    record = {"tool": args.tool, "dataset": args.dataset, "walls": walls, "cpus": cpus,
              "codes": codes, "ok": ok}
    with open(args.log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    print("%-24s %-10s best %.2fs wall, %.2fs cpu over %d run(s)%s" % (
        args.tool, args.dataset, min(walls), min(cpus), len(walls),
        "" if ok else "  FAILED (exit %s, see %s.stderr)" % (codes[-1], args.stdout)))


# ---------------------------------------------------------------------------
# The final table and results.md.
# ---------------------------------------------------------------------------


def report(args):
    timings = {}
    if os.path.exists(args.timings):
        with open(args.timings, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                timings[(r["tool"], r["dataset"])] = r
    labelled_doc = load_json(args.labelled) if args.labelled and os.path.exists(args.labelled) else {}
    corpus_doc = load_json(args.corpus) if args.corpus and os.path.exists(args.corpus) else {}
    meta = dict(m.partition("=")[::2] for m in args.meta)
    names = args.tools
    baseline = args.baseline

    def best(tool, dataset, field="walls"):
        r = timings.get((tool, dataset))
        return min(r[field]) if r and r["ok"] else None

    table = ["| tool | real corpus: wall (best of %s) | x nbgate | CPU | x nbgate | labelled set: wall "
             "| x nbgate | real corpus: findings (candidate FPs) | labelled: recall | recall secrets "
             "| recall PII | precision |" % meta.get("runs", "?"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def fmt_time(x):
        return "unavailable" if x is None else "%.2f s" % x

    def fmt_ratio(x, base):
        return "" if x is None or not base else "%.1fx" % (x / base)

    for tool in names:
        wall_real, cpu_real = best(tool, "real"), best(tool, "real", "cpus")
        wall_lab = best(tool, "labelled")
        base_real, base_cpu = best(baseline, "real"), best(baseline, "real", "cpus")
        base_lab = best(baseline, "labelled")
        lab = (labelled_doc.get("tools") or {}).get(tool)
        cor = corpus_doc.get(tool)
        kind = lab["per"]["kind"] if lab else {}

        def kind_recall(k):
            g = kind.get(k)
            return pct(ratio(g["found"], g["total"])) if g else ""

        table.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            tool, fmt_time(wall_real), fmt_ratio(wall_real, base_real),
            "" if cpu_real is None else "%.2f s" % cpu_real, fmt_ratio(cpu_real, base_cpu),
            fmt_time(wall_lab), fmt_ratio(wall_lab, base_lab),
            "" if not cor else "%d (%d)" % (cor["findings"], cor["false_positives"]),
            pct(lab["recall"]) if lab else "", kind_recall("secret"), kind_recall("pii"),
            pct(lab["precision"]) if lab else ""))
    extra = [(t, d) for (t, d) in timings if t not in names]
    head = ["# nbgate benchmark results (snapshot)", "",
            "Measured %s on %s; %s. Timings are noisy: %s" % (
                meta.get("date", "?"), meta.get("machine", "?"), meta.get("nbgate", "?"),
                meta.get("noise", "")), "",
            "Ratios are tool / nbgate (`--ocr off`); above 1 means nbgate is faster.", ""]
    body = head + table + [""]
    if extra:
        body += ["Other runs (not in the ratios):", "", "| run | dataset | wall | CPU | exit |",
                 "|---|---|---:|---:|---|"]
        for t, d in extra:
            r = timings[(t, d)]
            body.append("| %s | %s | %.2f s | %.2f s | %s |" % (t, d, min(r["walls"]),
                                                               min(r["cpus"]), r["codes"][-1]))
        body.append("")
    if corpus_doc:
        body += ["## Real corpus: what each tool reports (each a candidate false positive)", ""]
        for tool, cor in corpus_doc.items():
            if not cor:
                continue
            rules = ", ".join("%s %d" % kv for kv in list(cor["per_rule"].items())[:12])
            parts = ", ".join("%s %d" % kv for kv in list(cor["per_part"].items())[:8])
            listing = ", ".join("%s %d" % kv for kv in cor.get("per_known_matches", {}).items())
            if cor.get("not_read"):
                listing += "; parts not read: " + ", ".join(
                    "%d (%s)" % (c, r) for r, c in cor["not_read"].items())
            body.append("- **%s**: %d findings in %d files; by rule: %s%s%s" % (
                tool, cor["false_positives"], cor["files"], rules or "none",
                ("; by part: " + parts) if parts and tool.startswith("nbgate") else "",
                ("; in known_matches.json: " + listing) if listing and tool.startswith("nbgate")
                else ""))
        body.append("")
    if args.labelled_md and os.path.exists(args.labelled_md):
        body += ["## Labelled set", "", read_text(args.labelled_md)]
    text = "\n".join(body)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(text)
    print("\n".join(head + table))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("labelled", help="recall and precision on the labelled set")
    p.add_argument("--labels", required=True)
    p.add_argument("--tool", action="append", default=[], help="NAME=FORMAT:FILE")
    p.add_argument("--json")
    p.add_argument("--markdown")
    p.set_defaults(run=labelled)
    p = sub.add_parser("corpus", help="findings on the real corpus")
    p.add_argument("--known", help="known_matches.json (its folder is the scanned root)")
    p.add_argument("--tool", action="append", default=[], help="NAME=FORMAT:FILE")
    p.add_argument("--json")
    p.set_defaults(run=corpus)
    p = sub.add_parser("time", help="run a command several times, log wall and CPU time")
    p.add_argument("--tool", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--cwd", default=".")
    p.add_argument("--stdout", required=True, help="where the last run's output goes")
    p.add_argument("--log", required=True, help="JSON lines file the timing is appended to")
    p.add_argument("--ok", type=int, action="append", default=None,
                   help="exit codes that mean success (default 0 and 1)")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    p.set_defaults(run=timed)
    p = sub.add_parser("report", help="the summary table and results.md")
    p.add_argument("--timings", required=True)
    p.add_argument("--labelled")
    p.add_argument("--labelled-md")
    p.add_argument("--corpus")
    p.add_argument("--tools", nargs="+", required=True)
    p.add_argument("--baseline", default="nbgate")
    p.add_argument("--meta", action="append", default=[])
    p.add_argument("--out", required=True)
    p.set_defaults(run=report)
    args = parser.parse_args()
    if getattr(args, "ok", 0) is None:
        args.ok = [0, 1]
    args.run(args)


if __name__ == "__main__":
    main()
