#!/usr/bin/python3
"""Static checks of deploy/ and .dockerignore (no Docker engine or cluster on these
machines) and the container's entrypoint run directly.

Statically: the Dockerfile builds with the project's own scripts and stops with SIGTERM;
.dockerignore keeps build trees, .git and compiler caches out of the build context but
no source; the Kubernetes manifests parse (Debian's python3-yaml) and have probes on
the right ports, the restricted security context, a preStop hook and a grace period
covering hook + drain, no fixed replica count, a topology spread, Prometheus
annotations, no --workers; the TLS Deployment differs from the plaintext one only in
its TLS settings; docs/deploy.md names every manifest and the stop timeouts.

Run directly: the entrypoint's flags start a server that answers health within 2
seconds, answers NOT_SERVING while it drains after SIGTERM and exits 0 within grace +
2 s; the TLS Deployment's flags (with a self-signed certificate) start a server whose
exec probe command answers SERVING on the plaintext loopback port, then NOT_SERVING
while it drains.

Run by CTest with ROOT (the repository), SERVER and CLI (binaries).
"""
import copy
import json
import os
import re
import subprocess
import tempfile
import time
import unittest

import yaml

ROOT = os.environ["ROOT"]
K8S = os.path.join(ROOT, "deploy", "k8s")
TLS = os.path.join(K8S, "tls")


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


def manifests(folder=K8S):
    """The documents `kubectl apply -f FOLDER` applies (its files, not subfolders)."""
    docs = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path) or not name.endswith(".yaml"):
            continue
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def deployments():
    """The plaintext and the TLS Deployment, by name."""
    return {"plaintext": manifests()[("Deployment", "attnsched")],
            "tls": manifests(TLS)[("Deployment", "attnsched")]}


def entrypoint():
    for word, rest in dockerfile()["runtime"]:
        if word == "ENTRYPOINT":
            return json.loads(rest)
    raise AssertionError("no ENTRYPOINT")


def server_args(container):
    """The server's flags in the pod: Kubernetes appends `args` to the ENTRYPOINT."""
    return [*entrypoint()[1:], *container.get("args", [])]


def flag(args, name, default=None):
    """The last value of --NAME=VALUE (dashes or underscores, as the server takes them)."""
    value = default
    for arg in args:
        key, _, rest = arg.partition("=")
        if key.startswith("--") and key[2:].replace("-", "_") == name:
            value = rest
    return value


def rewrite(args, values):
    """args with each --NAME=... in `values` replaced by --NAME=values[NAME]."""
    out, seen = [], set()
    for arg in args:
        key = arg.partition("=")[0][2:].replace("-", "_")
        if arg.startswith("--") and key in values:
            out.append(f"--{key}={values[key]}")
            seen.add(key)
        else:
            out.append(arg)
    missing = set(values) - seen
    if missing:
        raise AssertionError(f"flags not in the manifest: {sorted(missing)}")
    return out


def seconds(value):
    return float(value)


def memory_bytes(quantity):
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40}
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi|Ti)?", quantity)
    return int(match.group(1)) * units.get(match.group(2), 1)


def docs_deploy():
    with open(os.path.join(ROOT, "docs", "deploy.md")) as f:
        return f.read()


# .dockerignore as Docker reads it (moby/patternmatcher): one pattern a line, `#`
# comments, `!` exceptions, `*` and `?` within a path element, `**` across elements;
# the last pattern matching a path or one of its parent directories decides.
def dockerignore():
    patterns = []
    with open(os.path.join(ROOT, ".dockerignore")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
            regex, i = "", 0
            while i < len(pattern):
                if pattern.startswith("**/", i):
                    regex, i = regex + "(?:.*/)?", i + 3
                elif pattern.startswith("**", i):
                    regex, i = regex + ".*", i + 2
                elif pattern[i] == "*":
                    regex, i = regex + "[^/]*", i + 1
                elif pattern[i] == "?":
                    regex, i = regex + "[^/]", i + 1
                elif pattern[i] == "[":
                    end = pattern.index("]", i)
                    regex, i = regex + pattern[i:end + 1], end + 1
                else:
                    regex, i = regex + re.escape(pattern[i]), i + 1
            patterns.append((negate, re.compile(regex + r"\Z")))
    return patterns


def ignored(path, patterns):
    parts = path.split("/")
    prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
    result = False
    for negate, regex in patterns:
        if any(regex.match(prefix) for prefix in prefixes):
            result = not negate
    return result


class Server:
    """attnsched-server with `args`; reads its start-up lines (the last is
    "listening on"): self.addresses maps "listening", "metrics", "plaintext health"
    to HOST:PORT."""

    def __init__(self, args):
        self.process = subprocess.Popen([os.environ["SERVER"], *args],
                                        stderr=subprocess.PIPE, text=True)
        self.addresses = {}
        for _ in range(10):
            line = self.process.stderr.readline()
            match = re.match(r"attnsched-server (listening|metrics|plaintext health) on (\S+)",
                             line)
            if match:
                self.addresses[match.group(1)] = match.group(2)
            if "listening" in self.addresses or not line:
                break
        if "listening" not in self.addresses:
            self.process.kill()
            raise AssertionError(f"server did not start: {line}")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stderr.close()


def health(address, deadline="1"):
    return subprocess.run([os.environ["CLI"], "health", "--server", address,
                           "--deadline", deadline],
                          capture_output=True, check=False).returncode


def run_until(command, condition, limit):
    """Runs `command` until its exit status meets `condition` or `limit` seconds
    pass; the last exit status."""
    end = time.monotonic() + limit
    while True:
        code = subprocess.run(command, capture_output=True, check=False).returncode
        if condition(code) or time.monotonic() > end:
            return code
        time.sleep(0.05)


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
        self.assertRegex(runtime["USER"], r"^[1-9][0-9]*(:[1-9][0-9]*)?$")
        self.assertIn("50051", runtime["EXPOSE"].split())
        self.assertIn('"attnsched", "health"', runtime["HEALTHCHECK"])
        self.assertIn("--listen=0.0.0.0:50051", entrypoint())
        # The server runs SAT jobs in attnsched-sat-worker, which it looks for beside
        # itself: both must land in the same directory.
        copied = runtime["COPY"].split()
        self.assertIn("/src/build/server/attnsched-sat-worker", copied)
        self.assertIn("/src/build/server/attnsched-server", copied)
        self.assertEqual(copied[-1], "/usr/local/bin/")

    def test_runtime_stage_installs_every_library_the_binaries_load(self):
        # The packages owning what ldd resolves for the three binaries built here must
        # be installed by the runtime stage or come with debian:12-slim (once the SAT
        # worker's CryptoMiniSat library was missing).
        runtime = dict(dockerfile()["runtime"])
        installed = set(re.findall(r"\blib[\w.+-]+|\bzlib1g\b", runtime["RUN"]))
        base = {"libc6", "libgcc-s1", "libstdc++6"}
        server, cli = os.environ["SERVER"], os.environ["CLI"]
        worker = os.path.join(os.path.dirname(server), "attnsched-sat-worker")
        for binary in (server, worker, cli):
            ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True)
            for path in re.findall(r"=> (/\S+)", ldd.stdout):
                owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)],
                                       capture_output=True, text=True)
                if owner.returncode != 0:
                    owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
                package = owner.stdout.split(":")[0]
                self.assertIn(package, installed | base, f"{binary} loads {path}")

    def test_stops_with_sigterm_and_leaves_workers_to_the_cpu_quota(self):
        runtime = dict(dockerfile()["runtime"])
        self.assertEqual(runtime.get("STOPSIGNAL"), "SIGTERM")
        self.assertIsNone(flag(entrypoint(), "workers"))


class DockerignoreTest(unittest.TestCase):
    def test_build_trees_git_and_caches_stay_out_of_the_context(self):
        patterns = dockerignore()
        for path in ("build/CMakeCache.txt", "build/server/attnsched-server",
                     "build-asan/CMakeCache.txt", "build-release/lib/x.o", ".git/HEAD",
                     ".ccache/0/1/x", ".cache/ccache/x", "server/__pycache__/x.pyc"):
            self.assertTrue(ignored(path, patterns), path)
        # Whatever local build tree this checkout has (the one that broke the image).
        for name in os.listdir(ROOT):
            if (name == "build" or name.startswith("build-")) and os.path.isdir(
                    os.path.join(ROOT, name)):
                self.assertTrue(ignored(f"{name}/CMakeCache.txt", patterns), name)

    def test_every_source_file_stays_in_the_context(self):
        patterns = dockerignore()
        for needed in ("CMakeLists.txt", "scripts/install-deps.sh", "scripts/build.sh"):
            self.assertFalse(ignored(needed, patterns), needed)
        sources = 0
        for folder, subfolders, files in os.walk(ROOT):
            relative = os.path.relpath(folder, ROOT)
            if relative == ".":
                subfolders[:] = [d for d in subfolders
                                 if d != ".git" and d != "build" and not d.startswith("build-")]
            subfolders[:] = [d for d in subfolders if d != "__pycache__"]
            for name in files:
                path = os.path.normpath(os.path.join(relative, name))
                if re.search(r"(\.(cc|h|proto|sh|py|cmake)|CMakeLists\.txt)$", name):
                    sources += 1
                    self.assertFalse(ignored(path, patterns), path)
        self.assertGreater(sources, 50)


class ManifestTest(unittest.TestCase):
    def test_deployment_has_probes_limits_and_grace(self):
        for variant, deployment in deployments().items():
            pod = deployment["spec"]["template"]["spec"]
            container = pod["containers"][0]
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            for kind in ("requests", "limits"):
                self.assertIn("cpu", container["resources"][kind], variant)
                self.assertIn("memory", container["resources"][kind], variant)
            grace = seconds(flag(server_args(container), "grace"))
            self.assertGreater(pod["terminationGracePeriodSeconds"], grace, variant)
            if variant == "plaintext":
                for probe in ("readinessProbe", "livenessProbe"):
                    self.assertEqual(container[probe]["grpc"]["port"], ports["grpc"], probe)

    def test_no_fixed_replicas_the_autoscaler_owns_the_count(self):
        docs = manifests()
        for variant, deployment in deployments().items():
            self.assertNotIn("replicas", deployment["spec"], variant)
        hpa = docs[("HorizontalPodAutoscaler", "attnsched")]
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"], "attnsched")
        self.assertGreaterEqual(hpa["spec"]["minReplicas"], 2)
        # Above the budget's minimum, or no pod could ever be evicted (drains block).
        pdb = docs[("PodDisruptionBudget", "attnsched")]
        self.assertLess(pdb["spec"]["minAvailable"], hpa["spec"]["minReplicas"])

    def test_restricted_security_context_as_the_images_user(self):
        uid = int(dict(dockerfile()["runtime"])["USER"].split(":")[0])
        for variant, deployment in deployments().items():
            pod = deployment["spec"]["template"]["spec"]
            self.assertEqual(pod["securityContext"]["runAsNonRoot"], True, variant)
            self.assertEqual(pod["securityContext"]["runAsUser"], uid, variant)
            self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
            for container in pod["containers"]:
                context = container["securityContext"]
                self.assertIs(context["allowPrivilegeEscalation"], False, variant)
                self.assertIs(context["readOnlyRootFilesystem"], True, variant)
                self.assertEqual(context["capabilities"]["drop"], ["ALL"], variant)
                self.assertNotIn("add", context["capabilities"], variant)
                self.assertNotIn("privileged", context)

    def test_prestop_sleep_and_drain_fit_in_the_grace_period(self):
        for variant, deployment in deployments().items():
            pod = deployment["spec"]["template"]["spec"]
            container = pod["containers"][0]
            command = container["lifecycle"]["preStop"]["exec"]["command"]
            self.assertEqual(os.path.basename(command[0]), "sleep", variant)
            self.assertEqual(len(command), 2, variant)
            sleep = seconds(command[1])
            self.assertGreater(sleep, 0)
            args = server_args(container)
            grace = seconds(flag(args, "grace", "10"))
            drain = seconds(flag(args, "drain_delay", "5"))
            self.assertLessEqual(drain, grace, variant)  # the drain is within the grace
            # The server exits at most grace + 1 s after SIGTERM, which comes after the hook.
            self.assertGreater(pod["terminationGracePeriodSeconds"], sleep + grace + 1, variant)

    def test_image_pulled_if_not_present_under_a_fixed_tag(self):
        for variant, deployment in deployments().items():
            container = deployment["spec"]["template"]["spec"]["containers"][0]
            self.assertEqual(container["imagePullPolicy"], "IfNotPresent", variant)
            tag = container["image"].rpartition(":")[2]
            self.assertNotIn(tag, ("latest", container["image"]), variant)

    def test_replicas_spread_over_nodes_and_zones(self):
        for variant, deployment in deployments().items():
            template = deployment["spec"]["template"]
            spread = {c["topologyKey"]: c for c in template["spec"]["topologySpreadConstraints"]}
            self.assertEqual(set(spread), {"kubernetes.io/hostname",
                                           "topology.kubernetes.io/zone"}, variant)
            for constraint in spread.values():
                self.assertEqual(constraint["whenUnsatisfiable"], "ScheduleAnyway", variant)
                self.assertEqual(constraint["maxSkew"], 1, variant)
                self.assertEqual(constraint["labelSelector"]["matchLabels"],
                                 template["metadata"]["labels"], variant)

    def test_prometheus_scrapes_the_metrics_port(self):
        for variant, deployment in deployments().items():
            template = deployment["spec"]["template"]
            container = template["spec"]["containers"][0]
            metrics = {p["name"]: p["containerPort"] for p in container["ports"]}["metrics"]
            self.assertEqual(flag(server_args(container), "metrics_listen"),
                             f"0.0.0.0:{metrics}", variant)
            annotations = template["metadata"]["annotations"]
            self.assertEqual(annotations["prometheus.io/scrape"], "true", variant)
            self.assertEqual(annotations["prometheus.io/port"], str(metrics), variant)
            self.assertEqual(annotations["prometheus.io/path"], "/metrics", variant)

    def test_workers_follow_the_cpu_quota(self):
        for variant, deployment in deployments().items():
            container = deployment["spec"]["template"]["spec"]["containers"][0]
            self.assertIsNone(flag(server_args(container), "workers"), variant)
            # The quota is what the server reads: whole CPUs, requested as much as limited.
            cpu = container["resources"]["limits"]["cpu"]
            self.assertRegex(cpu, r"^[1-9][0-9]*$", variant)
            self.assertEqual(container["resources"]["requests"]["cpu"], cpu, variant)
        self.assertIn("cpu.max", docs_deploy())

    def test_memory_request_limit_and_budget(self):
        for variant, deployment in deployments().items():
            resources = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]
            self.assertEqual(resources["requests"]["memory"], "1Gi", variant)
            self.assertEqual(resources["limits"]["memory"], "4Gi", variant)
            limit = memory_bytes(resources["limits"]["memory"])
            workers = int(resources["limits"]["cpu"])
            # Half the limit is the schedules' budget: one Llama-2-7B stream (1.4 GB).
            self.assertGreaterEqual(limit // 2, 1.4e9, variant)
            # The other half: the server under load (250 MB) and one SAT job per worker
            # (measured at most 125 MiB = 131 MB each, docs/deploy.md; 150 MB allowed).
            self.assertGreaterEqual(limit // 2, 250e6 + workers * 150e6, variant)
        with open(os.path.join(K8S, "deployment.yaml")) as f:
            self.assertIn("/usr/bin/time -f %M", f.read())
        self.assertIn("/usr/bin/time -f %M", docs_deploy())

    def test_tls_deployment_differs_only_in_its_tls_settings(self):
        both = deployments()
        plain, tls = copy.deepcopy(both["plaintext"]), copy.deepcopy(both["tls"])
        pod = tls["spec"]["template"]["spec"]
        container = pod["containers"][0]
        volume = pod.pop("volumes")[0]
        self.assertEqual(volume["secret"]["secretName"], "attnsched-tls")
        self.assertEqual(volume["secret"]["defaultMode"], 0o440)
        self.assertEqual(pod["securityContext"].pop("fsGroup"), 10001)
        mount = container.pop("volumeMounts")[0]
        self.assertEqual(mount["name"], volume["name"])
        self.assertIs(mount["readOnly"], True)
        args = container["args"]
        self.assertEqual(flag(args, "tls_cert"), mount["mountPath"] + "/tls.crt")
        self.assertEqual(flag(args, "tls_key"), mount["mountPath"] + "/tls.key")
        self.assertRegex(flag(args, "health_listen"), r"^(127\.0\.0\.1|\[::1\]):[0-9]+$")
        # The plaintext Deployment's args, then the three TLS flags.
        plain_container = plain["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(args[:len(plain_container["args"])], plain_container["args"])
        self.assertEqual(len(args), len(plain_container["args"]) + 3)
        for probe in ("readinessProbe", "livenessProbe"):
            exec_probe, grpc_probe = container.pop(probe), plain_container.pop(probe)
            command = exec_probe.pop("exec")["command"]
            self.assertEqual(command[1:4], ["health", "--server", flag(args, "health_listen")])
            # Slower than the CLI's deadline, or the kubelet cuts the probe short.
            deadline = seconds(command[command.index("--deadline") + 1])
            self.assertGreater(exec_probe.pop("timeoutSeconds"), deadline, probe)
            grpc_probe.pop("grpc")
            self.assertEqual(exec_probe, grpc_probe, probe)
        container.pop("args")
        plain_container.pop("args")
        self.assertEqual(tls, plain)

    def test_services_autoscaler_and_disruption_budget(self):
        docs = manifests()
        self.assertEqual(docs[("Service", "attnsched-headless")]["spec"]["clusterIP"], "None")
        self.assertIn(("Service", "attnsched"), docs)
        hpa = docs[("HorizontalPodAutoscaler", "attnsched")]
        self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"], "attnsched")
        self.assertEqual(hpa["spec"]["metrics"][0]["resource"]["name"], "cpu")
        pdb = docs[("PodDisruptionBudget", "attnsched")]
        self.assertEqual(pdb["spec"]["selector"]["matchLabels"], {"app": "attnsched"})


class DocsTest(unittest.TestCase):
    def test_docker_stop_timeout_covers_the_grace(self):
        text = " ".join(docs_deploy().split())
        grace = seconds(flag(entrypoint(), "grace"))
        run = re.findall(r"docker run [^`]*--stop-timeout (\d+)", text)
        stop = re.findall(r"docker stop -t (\d+)", text)
        self.assertTrue(run and stop, "docker run --stop-timeout / docker stop -t")
        for value in run + stop:
            self.assertGreater(int(value), grace + 1)

    def test_every_manifest_is_described_and_every_path_exists(self):
        text = docs_deploy()
        for folder, _, files in os.walk(K8S):
            for name in files:
                path = os.path.relpath(os.path.join(folder, name), ROOT)
                self.assertIn(path, text)
        self.assertIn(".dockerignore", text)
        # Standalone: references stay inside the repository, and exist.
        for path in re.findall(r"\b(?:deploy|docs|tests|scripts|server|client|lib|proto|bench)"
                               r"/[\w./-]*[\w/]", text):
            self.assertTrue(os.path.exists(os.path.join(ROOT, path)), path)
        for url in re.findall(r"\bhttps?://[^\s`)]+", text):
            self.assertRegex(url, r"^http://(127\.0\.0\.1|localhost|\[::1\])[:/]", url)


class EntrypointTest(unittest.TestCase):
    def test_entrypoint_answers_health_within_2_seconds_and_drains(self):
        # The same binary and flags, on free loopback ports (later flags win).
        args = [*entrypoint()[1:], "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0"]
        grace = seconds(flag(args, "grace", "10"))
        start = time.monotonic()
        server = Server(args)
        try:
            address = server.addresses["listening"]
            code = run_until([os.environ["CLI"], "health", "--server", address,
                              "--deadline", "1"],
                             lambda c: c == 0, 2 - (time.monotonic() - start))
            self.assertEqual(code, 0, "no SERVING within 2 s")
            self.assertLess(time.monotonic() - start, 2)
            # SIGTERM: the port stays open for --drain_delay, answering NOT_SERVING (1).
            server.process.terminate()
            stopped = time.monotonic()
            code = run_until([os.environ["CLI"], "health", "--server", address,
                              "--deadline", "1"], lambda c: c != 0, 1)
            self.assertEqual(code, 1, "not NOT_SERVING while draining")
            self.assertEqual(server.process.wait(timeout=grace + 2), 0)
            self.assertLess(time.monotonic() - stopped, grace + 2)
        finally:
            server.stop()


class TlsDeploymentTest(unittest.TestCase):
    def test_tls_pod_answers_its_exec_probe_on_the_loopback_port(self):
        container = deployments()["tls"]["spec"]["template"]["spec"]["containers"][0]
        args = server_args(container)
        probe = container["readinessProbe"]["exec"]["command"]
        # The probe runs the CLI the image installs.
        copied = dict(dockerfile()["runtime"])["COPY"].split()
        self.assertEqual(os.path.dirname(probe[0]) + "/", copied[-1])
        self.assertIn("/src/build/client/" + os.path.basename(probe[0]), copied)
        with tempfile.TemporaryDirectory() as folder:
            cert, key = os.path.join(folder, "tls.crt"), os.path.join(folder, "tls.key")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                            "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                           capture_output=True, check=True)
            # The manifest's flags with the Secret's files and free loopback ports; a
            # shorter drain keeps the test fast.
            server = Server(rewrite(args, {
                "tls_cert": cert, "tls_key": key, "listen": "127.0.0.1:0",
                "metrics_listen": "127.0.0.1:0", "health_listen": "127.0.0.1:0"})
                + ["--drain_delay=2"])
            try:
                self.assertIn("plaintext health", server.addresses)
                health_address = server.addresses["plaintext health"]
                command = [os.environ["CLI"], *probe[1:]]
                command[command.index(flag(args, "health_listen"))] = health_address
                timeout = container["readinessProbe"]["timeoutSeconds"]
                result = subprocess.run(command, capture_output=True, text=True,
                                        timeout=timeout, check=False)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertEqual(result.stdout.strip(), "SERVING")
                # The gRPC port itself speaks only TLS: a plaintext probe cannot pass.
                self.assertNotEqual(health(server.addresses["listening"]), 0)
                self.assertEqual(subprocess.run(
                    [os.environ["CLI"], "health", "--server", server.addresses["listening"],
                     "--tls-ca", cert, "--deadline", "2"],
                    capture_output=True, check=False).returncode, 0)
                # Draining, the probe fails with NOT_SERVING (1), then the server exits 0.
                server.process.terminate()
                stopped = time.monotonic()
                self.assertEqual(run_until(command, lambda c: c != 0, 1), 1)
                grace = seconds(flag(args, "grace", "10"))
                self.assertEqual(server.process.wait(timeout=grace + 2), 0)
                self.assertLess(time.monotonic() - stopped, grace + 2)
            finally:
                server.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
