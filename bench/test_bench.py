#!/usr/bin/env python3
"""Checks the benchmark's own tools: the generator is deterministic and its
values pass the checks real ones pass; labels point at the raw lines that
hold their values; the scorer gives full marks to a tool that reports exactly
the labelled places and none to one that reports nothing.

Run: python3 -B bench/test_bench.py (standard library only).
"""

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import make_labelled  # noqa: E402
import score  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


class Generated(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.first = os.path.join(cls.tmp.name, "a")
        cls.second = os.path.join(cls.tmp.name, "b")
        cls.doc = make_labelled.generate(cls.first, 7, 2)
        make_labelled.generate(cls.second, 7, 2)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_same_seed_same_bytes(self):
        for name in sorted(os.listdir(self.first)):
            with open(os.path.join(self.first, name), "rb") as a, \
                    open(os.path.join(self.second, name), "rb") as b:
                self.assertEqual(a.read(), b.read(), name)

    def test_every_notebook_is_json_in_jupyter_layout(self):
        for name in os.listdir(self.first):
            if not name.endswith(".ipynb"):
                continue
            text = read(os.path.join(self.first, name))
            doc = json.loads(text)
            self.assertIn(doc["nbformat"], (3, 4))
            self.assertEqual(text, json.dumps(doc, indent=1, sort_keys=True,
                                              ensure_ascii=False) + "\n")

    def test_labels_hold_no_values_and_point_at_them(self):
        text = read(os.path.join(self.first, "labels.json"))
        self.assertNotRegex(text, r"AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}|@gmail\.com")
        for item in self.doc["labels"] + self.doc["negatives"]:
            self.assertTrue(item["raw_lines"], item["id"])
            self.assertRegex(item["sha256"], r"^[0-9a-f]{64}$")
            self.assertIsNotNone(item["category"])

    def test_some_label_of_each_part_kind(self):
        kinds = {item["part"] for item in self.doc["labels"]}
        self.assertEqual(kinds, {"source", "output", "attachment", "metadata"})


class Values(unittest.TestCase):
    def setUp(self):
        self.v = make_labelled.Values(random.Random(3))

    def test_cards_pass_luhn(self):
        for _ in range(200):
            self.assertTrue(make_labelled.luhn_ok(self.v.card().replace(" ", "")))

    def test_ibans_pass_mod_97(self):
        for _ in range(200):
            iban = self.v.iban()
            digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
            self.assertEqual(int(digits) % 97, 1, iban)

    def test_github_tokens_carry_their_checksum(self):
        for _ in range(100):
            token = self.v.github_pat()
            self.assertRegex(token, r"^ghp_[A-Za-z0-9]{36}$")
            body, check = token[4:34], token[34:]
            self.assertEqual(make_labelled.base62_pad(zlib.crc32(body.encode()), 6), check)

    def test_aws_ssn_shapes(self):
        for _ in range(100):
            self.assertRegex(self.v.aws_key(), r"^AKIA[A-Z2-7]{16}$")
            area, group, serial = map(int, self.v.ssn().split("-"))
            self.assertTrue(0 < area < 900 and area != 666 and group > 0 and serial > 0)

    def test_negative_digit_runs_are_not_cards(self):
        for _ in range(100):
            run = self.v.digit_run()
            self.assertFalse(len(run) == 16 and make_labelled.luhn_ok(run))


class Scoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = os.path.join(cls.tmp.name, "labelled")
        cls.doc = make_labelled.generate(cls.dir, 11, 1)
        cls.labels = os.path.join(cls.dir, "labels.json")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_score(self, tool_specs):
        out = os.path.join(self.tmp.name, "result.json")
        cmd = [sys.executable, "-B", os.path.join(HERE, "score.py"), "labelled",
               "--labels", self.labels, "--json", out]
        for spec in tool_specs:
            cmd += ["--tool", spec]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return json.loads(read(out))

    def write(self, name, doc):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as fh:
            json.dump(doc, fh)
        return path

    def test_a_perfect_located_tool_scores_full_marks(self):
        rule = {"email": "pii.email", "card": "pii.payment-card", "aws-key": "secret.aws-access-key-id"}
        findings = []
        for item in self.doc["labels"]:
            findings.append({
                "rule": rule.get(item["category"], "x." + item["category"]),
                "kind": item["kind"], "path": item["file"], "cell": item["cell"],
                "part": item["part"], "output": item["output"], "attachment": item["attachment"],
                "mime": item["mime"], "file_line": None})
        path = self.write("perfect.json", {"findings": findings})
        result = self.run_score(["t=nbgate:" + path])["tools"]["t"]
        self.assertEqual(result["recall"], 1.0)
        self.assertEqual(result["precision"], 1.0)

    def test_a_raw_line_tool_is_matched_by_line(self):
        results = {}
        for item in self.doc["labels"]:
            if item["category"] == "aws-key":
                results.setdefault(item["file"], []).append(
                    {"type": "AWS Access Key", "line_number": item["raw_lines"][0]})
        path = self.write("ds.json", {"results": results})
        result = self.run_score(["d=detect-secrets:" + path])["tools"]["d"]
        self.assertEqual(result["per"]["category"]["aws-key"]["found"],
                         result["per"]["category"]["aws-key"]["total"])
        self.assertEqual(result["precision"], 1.0)

    def test_a_finding_on_a_negative_is_a_false_positive(self):
        neg = next(n for n in self.doc["negatives"] if n["category"] == "aws-example-key")
        path = self.write("neg.json", {"results": {neg["file"]: [
            {"type": "AWS Access Key", "line_number": neg["raw_lines"][0]}]}})
        result = self.run_score(["d=detect-secrets:" + path])["tools"]["d"]
        self.assertEqual(result["precision"], 0.0)
        self.assertEqual(result["false_positives"][0]["why"], "negative:aws-example-key")

    def test_a_silent_tool_finds_nothing_and_a_missing_one_is_unavailable(self):
        path = self.write("none.json", {"findings": []})
        result = self.run_score(["s=nbgate:" + path, "m=nbgate:/nonexistent.json"])["tools"]
        self.assertEqual(result["s"]["recall"], 0.0)
        self.assertIsNone(result["m"])


if __name__ == "__main__":
    unittest.main()
