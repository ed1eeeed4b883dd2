#!/usr/bin/python3
"""A second, independent client of the attnsched.v1.Scheduler protocol, in Python
(Debian's python3-grpcio): every RPC against the CLI's local mode, a bad request, a
garbage byte stream on the port, and a bounded load test (200 GenerateSchedule and 20
SolveOptimal calls at once on a 2-worker pool with a queue of 4).

Run by CTest with: SERVER, CLI (binaries) and PROTO_DIR (generated Python stubs).
"""
import concurrent.futures
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.environ["PROTO_DIR"])
import grpc  # noqa: E402
from attnsched.v1 import scheduler_pb2 as pb  # noqa: E402
from attnsched.v1 import scheduler_pb2_grpc as rpc  # noqa: E402

SERVER = os.environ["SERVER"]
CLI = os.environ["CLI"]
SCHEMES = {"general": pb.SCHEME_GENERAL, "shared": pb.SCHEME_SHARED, "causal": pb.SCHEME_CAUSAL}
MESSAGE_LIMIT = [("grpc.max_receive_message_length", 256 << 20)]


def problem(scheme, n, d, pes):
    return pb.Problem(instance=pb.Instance(n=n, d=d, scheme=SCHEMES[scheme]),
                      machine=pb.Machine(pes=pes))


def local(*args):
    """The CLI in local mode, --json."""
    out = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, check=False)
    return json.loads(out.stdout)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Server:
    def __init__(self, *flags):
        self.process = subprocess.Popen(
            [SERVER, "--listen", "127.0.0.1:0", "--drain-delay=0", *flags],
            stderr=subprocess.PIPE, text=True)
        line = self.process.stderr.readline()
        if "listening on" not in line:
            raise RuntimeError(f"server did not start: {line}")
        self.address = line.split("listening on ")[1].strip()
        # Keep reading the per-RPC log lines so the pipe never fills up.
        self.log = []
        self.reader = threading.Thread(target=self.log.extend, args=(self.process.stderr,))
        self.reader.start()
        self.channel = grpc.insecure_channel(self.address, options=MESSAGE_LIMIT)
        self.stub = rpc.SchedulerStub(self.channel)

    def stop(self):
        self.channel.close()
        self.process.terminate()
        code = self.process.wait(timeout=30)
        self.reader.join()
        self.process.stderr.close()
        return code


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--workers", "2", "--queue", "4")
        cls.stub = cls.server.stub

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def test_generate_matches_local_mode(self):
        for scheme in SCHEMES:
            response = self.stub.GenerateSchedule(
                pb.GenerateRequest(problem=problem(scheme, 32, 8, 4), simulate=True), timeout=30)
            cli = local("generate", "--scheme", scheme, "--n", "32", "--d", "8", "--pes", "4")
            summary = response.summary
            self.assertTrue(summary.valid)
            self.assertEqual(summary.makespan_cycles, cli["makespan_cycles"])
            self.assertEqual(summary.bounds.work_cycles, cli["lb_work_cycles"])
            self.assertEqual(summary.bounds.home_cycles, cli["lb_home_cycles"])
            self.assertEqual(summary.events, cli["events"])
            self.assertEqual(len(response.schedule.events), cli["events"])
            self.assertLessEqual(summary.max_rel_error, 1e-9)

    def test_any_n_pinned_placement_and_slow_links_match_local_mode(self):
        machine = pb.Machine(pes=2, link_words=2, link_cycles=3, link_latency=4)
        request = pb.GenerateRequest(
            problem=pb.Problem(instance=pb.Instance(n=7, d=2, scheme=pb.SCHEME_CAUSAL),
                               machine=machine),
            placement=pb.Placement(kind=pb.Placement.KIND_ZIGZAG), simulate=True)
        summary = self.stub.GenerateSchedule(request, timeout=30).summary
        cli = local("generate", "--scheme", "causal", "--n", "7", "--d", "2", "--pes", "2",
                    "--placement", "zigzag", "--link-words", "2", "--link-cycles", "3",
                    "--link-latency", "4")
        self.assertTrue(summary.valid)
        self.assertEqual(summary.placement, "zigzag")
        self.assertTrue(summary.placement_pinned)
        self.assertEqual(summary.makespan_cycles, cli["makespan_cycles"])
        self.assertEqual(summary.bounds.link_cycles, cli["lb_link_cycles"])
        self.assertEqual(summary.bounds.cut_cycles, cli["lb_cut_cycles"])
        self.assertGreaterEqual(summary.bounds.cut_cycles, summary.bounds.link_cycles)
        self.assertGreater(summary.bounds.link_cycles, 0)
        self.assertEqual(summary.problem.machine.link_latency, 4)

    def stream(self, scheme, n, d, pes):
        request = pb.GenerateRequest(problem=problem(scheme, n, d, pes))
        return list(self.stub.StreamSchedule(request, timeout=30))

    def test_stream_then_verify(self):
        chunks = self.stream("shared", 48, 4, 4)
        summary = chunks[-1].summary  # the last chunk carries it
        self.assertTrue(chunks[-1].last)
        self.assertTrue(summary.valid)
        self.assertEqual(sum(len(c.events) for c in chunks), summary.events)
        self.assertEqual(chunks[0].events_total, summary.events)
        self.assertEqual([c.chunk_index for c in chunks], list(range(len(chunks))))
        verified = self.stub.VerifySchedule(iter(chunks), timeout=30).summary
        self.assertTrue(verified.valid)
        self.assertEqual(verified.makespan_cycles, summary.makespan_cycles)
        # One event fewer, announced: a complete stream of an invalid schedule.
        first, last = pb.ScheduleChunk(), pb.ScheduleChunk()
        first.CopyFrom(chunks[0])
        first.events_total -= 1
        last.CopyFrom(chunks[-1])
        del last.events[-1]
        shorter = [first] + chunks[1:-1] + [last] if len(chunks) > 1 else [first]
        if len(chunks) == 1:
            del first.events[-1]
        invalid = self.stub.VerifySchedule(iter(shorter), timeout=30).summary
        self.assertFalse(invalid.valid)
        self.assertEqual(invalid.violation.rule, "missing_operation")

    def test_a_truncated_or_corrupt_chunk_is_not_the_end_of_the_stream(self):
        chunks = self.stream("causal", 64, 2, 4)
        verify = self.server.channel.stream_unary(
            "/attnsched.v1.Scheduler/VerifySchedule", request_serializer=lambda b: b,
            response_deserializer=pb.VerifyResponse.FromString)
        # The schedule in two chunks, the second cut short: it cannot be decoded, and the
        # stream ends before the announced events_total.
        self.assertEqual(len(chunks), 1)
        events = chunks[0].events
        head = pb.ScheduleChunk()
        head.CopyFrom(chunks[0])
        del head.events[len(events) // 2:]
        tail = pb.ScheduleChunk(chunk_index=1, events=events[len(events) // 2:])
        broken = tail.SerializeToString()[:-7]
        whole = chunks[0].SerializeToString()
        for upload, message in (
                ([head.SerializeToString(), broken], "a chunk was lost or could not be decoded"),
                ([head.SerializeToString()], f"with {len(events) // 2} of {len(events)} events"),
                # Without its last byte the chunk ends in the tag of `last` (its last
                # field): it cannot be decoded, wherever the field sizes put the bytes.
                ([whole[:-1]], "problem: missing")):
            with self.assertRaises(grpc.RpcError) as caught:
                verify(iter(upload), timeout=30)
            self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn(message, caught.exception.details())
        later = pb.ScheduleChunk(chunk_index=1, problem=chunks[0].problem)
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.VerifySchedule(iter([chunks[0], later]), timeout=30)
        self.assertIn("chunks[1].problem: only the first chunk", caught.exception.details())

    def test_solve_and_prove_match_local_mode(self):
        progress = list(self.stub.SolveOptimal(
            pb.SolveRequest(problem=problem("causal", 4, 2, 4)), timeout=60))
        result = progress[-1].result
        cli = local("solve", "--scheme", "causal", "--n", "4", "--d", "2", "--pes", "4")
        self.assertEqual(result.status, pb.SolveResult.STATUS_OPTIMAL)
        self.assertEqual(pb.ProofKind.Name(result.proof), "PROOF_KIND_" + cli["proof"].upper())
        self.assertEqual(result.makespan_cycles, cli["makespan_cycles"])
        self.assertEqual(result.lower_bound_cycles, cli["lower_bound_cycles"])
        self.assertGreaterEqual(sum(1 for p in progress if p.HasField("attempt")), 1)
        generated = self.stub.GenerateSchedule(
            pb.GenerateRequest(problem=problem("causal", 4, 2, 4)), timeout=30).schedule
        proof = self.stub.ProveOptimality(pb.ProveRequest(schedule=generated), timeout=60)
        self.assertEqual(proof.status, pb.ProveResponse.STATUS_IMPROVABLE)
        optimal = self.stub.ProveOptimality(pb.ProveRequest(schedule=result.witness), timeout=60)
        self.assertEqual(optimal.status, pb.ProveResponse.STATUS_OPTIMAL)

    def test_bad_request_names_the_field(self):
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.GenerateSchedule(pb.GenerateRequest(problem=problem("causal", 0, 8, 4)),
                                       timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("n = 0", caught.exception.details())

    def test_undecodable_requests_are_invalid_argument(self):
        # Bytes that are not a Protobuf encoding (a field with wire type 7 does not
        # exist), sent where each method expects its one request message.
        for method, streaming in [("GenerateSchedule", False), ("StreamSchedule", True),
                                  ("SolveOptimal", True), ("ProveOptimality", False)]:
            path = f"/attnsched.v1.Scheduler/{method}"
            call = (self.server.channel.unary_stream(path) if streaming
                    else self.server.channel.unary_unary(path))
            with self.assertRaises(grpc.RpcError) as caught:
                result = call(b"\x0f\xff\xff", timeout=10)
                if streaming:
                    list(result)
            self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT, method)
            self.assertIn(f"the request to {path} does not decode",
                          caught.exception.details())

    def test_garbage_bytes_do_not_crash_the_server(self):
        host, port = self.server.address.rsplit(":", 1)
        rng = random.Random(7)
        for _ in range(20):
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))))
        response = self.stub.GenerateSchedule(
            pb.GenerateRequest(problem=problem("general", 8, 2, 2)), timeout=10)
        self.assertTrue(response.summary.valid)
        self.assertIsNone(self.server.process.poll())


class LoadTest(unittest.TestCase):
    def test_200_generate_and_20_solve_calls_at_once(self):
        server = Server("--workers", "2", "--queue", "4")
        try:
            stub = server.stub
            before = rss_kib(server.process.pid)
            latencies, answers = [], {"ok": 0, "refused": 0}

            def generate(_):
                start = time.monotonic()
                stub.GenerateSchedule(pb.GenerateRequest(problem=problem("causal", 64, 8, 4)),
                                      timeout=60)
                latencies.append(time.monotonic() - start)
                return "ok"

            def solve(_):
                try:
                    list(stub.SolveOptimal(pb.SolveRequest(
                        problem=problem("shared", 8, 2, 4), placement=[0, 0, 1, 1, 2, 2, 3, 3],
                        time_limit_seconds=2), timeout=60))
                    return "ok"
                except grpc.RpcError as e:
                    self.assertEqual(e.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
                    return "refused"

            start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
                futures = [pool.submit(generate, k) for k in range(200)]
                futures += [pool.submit(solve, k) for k in range(20)]
                for f in concurrent.futures.as_completed(futures, timeout=120):
                    answers[f.result()] += 1
            elapsed = time.monotonic() - start
            self.assertEqual(answers["ok"] + answers["refused"], 220)
            self.assertGreaterEqual(answers["refused"], 1)  # a queue of 4 cannot take 20
            after = rss_kib(server.process.pid)
            self.assertLess(after - before, 512 * 1024, "server memory grew by > 512 MiB")
            again = stub.GenerateSchedule(pb.GenerateRequest(problem=problem("general", 8, 2, 2)),
                                          timeout=10)
            self.assertTrue(again.summary.valid)
            latencies.sort()
            print(f"load: 220 calls in {elapsed:.2f} s ({220 / elapsed:.0f} calls/s), "
                  f"GenerateSchedule p50 {latencies[len(latencies) // 2] * 1000:.1f} ms "
                  f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms, "
                  f"SolveOptimal refused {answers['refused']}, RSS {before} -> {after} KiB",
                  file=sys.stderr)
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
