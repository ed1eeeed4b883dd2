#!/usr/bin/python3
"""The outputs as their users take them: examples/programs_client.py run as its
docstring says (stubs made with the system protoc) against a server, agreeing with
the CLI; and the CLI's SVG read by an XML parser.

Run by CTest with: SERVER, CLI (binaries), PROTO_DIR (stubs for the test's own server
helper) and ROOT (the source tree).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_client_test import Server  # noqa: E402

CLI = os.environ["CLI"]
ROOT = os.environ["ROOT"]
SHAPE = ["--scheme", "causal", "--n", "16", "--d", "2", "--pes", "4"]
SVG = "{http://www.w3.org/2000/svg}"


def cli_json(*args):
    out = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


class ExampleClientTest(unittest.TestCase):
    def test_the_example_prints_a_pes_program_and_writes_a_trace(self):
        with tempfile.TemporaryDirectory() as tmp:
            stubs = os.path.join(tmp, "stubs")
            os.makedirs(stubs)
            subprocess.run(["protoc", "--proto_path=proto", f"--python_out={stubs}",
                            f"--grpc_out={stubs}", "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
                            "attnsched/v1/scheduler.proto"], cwd=ROOT, check=True)
            server = Server("--workers", "1")
            try:
                trace = os.path.join(tmp, "trace.json")
                run = subprocess.run(
                    [sys.executable, os.path.join(ROOT, "examples", "programs_client.py"),
                     "--stubs", stubs, "--server", server.address, *SHAPE, "--pe", "1",
                     "--trace", trace], capture_output=True, text=True, timeout=120)
                self.assertEqual(run.returncode, 0, run.stderr)
                bad = subprocess.run(
                    [sys.executable, os.path.join(ROOT, "examples", "programs_client.py"),
                     "--stubs", stubs, "--server", server.address, *SHAPE, "--pe", "9"],
                    capture_output=True, text=True, timeout=120)
            finally:
                self.assertEqual(server.stop(), 0)
            self.assertEqual(bad.returncode, 2)
            self.assertIn("INVALID_ARGUMENT: pe = 9: out of range [0, 4)", bad.stderr)
            self.assertNotIn("PE 9:", bad.stdout)
            local = cli_json("program", *SHAPE, "--pe", "1")["programs"][0]
            footer = [line for line in run.stdout.splitlines() if line.startswith("# PE 1:")]
            self.assertEqual(footer[0].split()[3], str(local["instructions_total"]), run.stdout)
            self.assertIn("valid True", footer[0])
            self.assertIn(" receive k(", run.stdout)
            events = cli_json("generate", *SHAPE)["events"]
            with open(trace) as f:
                slices = [e for e in json.load(f)["traceEvents"] if e["ph"] == "X"]
            self.assertEqual(len(slices), events)
            for s in slices:
                self.assertGreaterEqual(s["dur"], 0)

    def test_the_gantt_svg_is_xml_with_one_rect_per_event(self):
        with tempfile.TemporaryDirectory() as tmp:
            chart = os.path.join(tmp, "chart.svg")
            subprocess.run([CLI, "gantt", *SHAPE, "--out", chart], check=True, capture_output=True)
            root = ElementTree.parse(chart).getroot()
            self.assertEqual(root.tag, SVG + "svg")
            rects = [r for r in root.iter(SVG + "rect") if r.get("class") == "event"]
            self.assertEqual(len(rects), cli_json("generate", *SHAPE)["events"])
            self.assertTrue(all(r.find(SVG + "title") is not None for r in rects))
            heatmap = os.path.join(tmp, "heatmap.svg")
            subprocess.run([CLI, "gantt", "--scheme", "general", "--n", "256", "--d", "4",
                            "--pes", "8", "--bins", "64", "--out", heatmap], check=True,
                           capture_output=True)
            cells = [r for r in ElementTree.parse(heatmap).getroot().iter(SVG + "rect")
                     if r.get("class") == "cell"]
            self.assertGreater(len(cells), 16 * 32)
            self.assertLessEqual(len(cells), 16 * 64)
            for c in cells:
                self.assertTrue(0 <= float(c.get("fill-opacity")) <= 1)


if __name__ == "__main__":
    unittest.main()
