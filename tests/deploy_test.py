#!/usr/bin/python3
"""Static checks of deploy/ (no Docker engine on these machines) and the container's
entrypoint run directly: the Dockerfile builds with the project's own scripts, the
Kubernetes manifests parse (Debian's python3-yaml) and have gRPC probes on the gRPC
port, resource limits and a grace period covering the server's drain, and the
entrypoint's flags start a server that answers health within 2 seconds.

Run by CTest with ROOT (the repository), SERVER and CLI (binaries).
"""
import json
import os
import re
import subprocess
import time
import unittest

import yaml

ROOT = os.environ["ROOT"]


def dockerfile():
    with open(os.path.join(ROOT, "deploy", "Dockerfile")) as f:
        text = f.read().replace("\\\n", " ")
    stages, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "FROM":
            current = rest.split(" AS ")[-1].strip()
            stages[current] = [("FROM", rest.split(" AS ")[0].strip())]
        else:
            stages[current].append((word, rest.strip()))
    return stages


def manifests():
    docs = {}
    folder = os.path.join(ROOT, "deploy", "k8s")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            for doc in yaml.safe_load_all(f):
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def entrypoint():
    for word, rest in dockerfile()["runtime"]:
        if word == "ENTRYPOINT":
            return json.loads(rest)
    raise AssertionError("no ENTRYPOINT")


class DockerfileTest(unittest.TestCase):
    def test_build_stage_is_debian_12_with_the_projects_scripts(self):
        build = dockerfile()["build"]
        self.assertEqual(build[0], ("FROM", "debian:12"))
        runs = [rest for word, rest in build if word == "RUN"]
        self.assertEqual(runs, ["scripts/install-deps.sh",
                                "scripts/build.sh -DATTNSCHED_BUILD_TESTS=OFF "
                                "-DATTNSCHED_BUILD_BENCH=OFF"])

    def test_runtime_stage_is_small_non_root_with_a_health_check(self):
        runtime = dict(dockerfile()["runtime"])
        self.assertEqual(runtime["FROM"], "debian:12-slim")
        self.assertRegex(runtime["USER"], r"^[1-9][0-9]*$")
        self.assertIn("50051", runtime["EXPOSE"].split())
        self.assertIn('"attnsched", "health"', runtime["HEALTHCHECK"])
        self.assertIn("--listen=0.0.0.0:50051", entrypoint())
        # The server runs SAT jobs in attnsched-sat-worker, which it looks for beside
        # itself: both must land in the same directory.
        copied = runtime["COPY"].split()
        self.assertIn("/src/build/server/attnsched-sat-worker", copied)
        self.assertIn("/src/build/server/attnsched-server", copied)
        self.assertEqual(copied[-1], "/usr/local/bin/")


class ManifestTest(unittest.TestCase):
    def test_deployment_has_probes_limits_and_grace(self):
        docs = manifests()
        deployment = docs[("Deployment", "attnsched")]
        self.assertEqual(deployment["spec"]["replicas"], 3)
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        grpc_port = {p["name"]: p["containerPort"] for p in container["ports"]}["grpc"]
        for probe in ("readinessProbe", "livenessProbe"):
            self.assertEqual(container[probe]["grpc"]["port"], grpc_port, probe)
        for kind in ("requests", "limits"):
            self.assertIn("cpu", container["resources"][kind])
            self.assertIn("memory", container["resources"][kind])
        grace = [float(a.split("=")[1]) for a in entrypoint() if a.startswith("--grace=")][0]
        self.assertGreater(pod["terminationGracePeriodSeconds"], grace)

    def test_services_autoscaler_and_disruption_budget(self):
        docs = manifests()
        self.assertEqual(docs[("Service", "attnsched-headless")]["spec"]["clusterIP"], "None")
        self.assertIn(("Service", "attnsched"), docs)
        hpa = docs[("HorizontalPodAutoscaler", "attnsched")]
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"], "attnsched")
        self.assertEqual(hpa["spec"]["metrics"][0]["resource"]["name"], "cpu")
        pdb = docs[("PodDisruptionBudget", "attnsched")]
        self.assertEqual(pdb["spec"]["selector"]["matchLabels"], {"app": "attnsched"})


class EntrypointTest(unittest.TestCase):
    def test_entrypoint_answers_health_within_2_seconds(self):
        # The same binary and flags, on free loopback ports (later flags win).
        command = [os.environ["SERVER"], *entrypoint()[1:],
                   "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0"]
        start = time.monotonic()
        server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        try:
            # "listening on" is the server's last start-up line (after "metrics on").
            match = None
            for _ in range(5):
                match = re.search(r"listening on (\S+)", server.stderr.readline())
                if match:
                    break
            self.assertIsNotNone(match, "no 'listening on' line")
            address = match.group(1)
            healthy = False
            while time.monotonic() - start < 2 and not healthy:
                healthy = subprocess.run(
                    [os.environ["CLI"], "health", "--server", address, "--deadline", "1"],
                    capture_output=True, check=False).returncode == 0
            self.assertTrue(healthy, "no SERVING within 2 s")
            self.assertLess(time.monotonic() - start, 2)
        finally:
            server.terminate()
            self.assertEqual(server.wait(timeout=30), 0)
            server.stderr.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
