#!/usr/bin/python3
"""A compiler's view of attnsched over gRPC, in Python with only the .proto and
Debian's python3-grpcio: ask the service for a schedule, print one PE's program, and
write a Perfetto trace of the whole schedule.

Stubs: generate them from proto/attnsched/v1/scheduler.proto with the system protoc
(Debian's python3-grpc-tools bundles an older protoc; protobuf-compiler-grpc has the
plugin):

    mkdir -p stubs
    protoc --proto_path=proto --python_out=stubs --grpc_out=stubs \\
        --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin attnsched/v1/scheduler.proto

Then, with attnsched-server listening on localhost:50051:

    examples/programs_client.py --stubs stubs --server localhost:50051 \\
        --scheme causal --n 16 --d 2 --pes 4 --pe 1 --trace trace.json

Programs (StreamPrograms): each instruction is an event of the PE with its derived
fields set by the server: `end` (the operation's end, or when the link is free
again), and for a transfer `to_pe` and `arrival` (when the receiver holds the item);
with loops an instruction stands for run.count instructions whose start, i and j
advance by start_step, i_step and j_step. The trace (StreamSchedule) uses the same
fields, so nothing here re-derives durations from the cost rules.
"""
import argparse
import json
import sys

SCHEMES = ("general", "shared", "causal")


def int_in(lo, hi):
    def parse(text):
        value = int(text)
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is not in [{lo}, {hi}]")
        return value
    return parse


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stubs", required=True, help="directory of the generated Python stubs")
    p.add_argument("--server", default="localhost:50051", help="HOST:PORT of attnsched-server")
    p.add_argument("--scheme", choices=SCHEMES, default="causal")
    p.add_argument("--n", type=int_in(1, 1 << 20), default=16, help="tokens")
    p.add_argument("--d", type=int_in(1, 1 << 20), default=2, help="head dimension, words")
    p.add_argument("--pes", type=int_in(1, 1 << 16), default=4, help="PEs in the ring")
    p.add_argument("--pe", type=int_in(0, (1 << 16) - 1), default=0,
                   help="the PE whose program to print (the server checks it against --pes)")
    p.add_argument("--trace", help="write a Perfetto (Chrome trace event) JSON file here")
    p.add_argument("--timeout", type=float, default=60, help="seconds per call")
    return p.parse_args()


def name(entity, kinds, heads):
    """The canonical name of an Operation or Item message: dot(3,5), k[1](5)."""
    kind = kinds.Name(entity.kind).split("_")[-1].lower()
    head = f"[{entity.head}]" if heads > 1 else ""
    two = kind not in ("softmax", "q", "k", "v", "x")
    return f"{kind}{head}({entity.i},{entity.j})" if two else f"{kind}{head}({entity.i})"


def event_name(pb, event, heads):
    what = event.WhichOneof("what")
    if what == "op":
        return name(event.op, pb.OpKind, heads)
    return name(getattr(event, what), pb.ItemKind, heads)


def print_program(pb, stub, problem, pe, timeout):
    request = pb.ProgramRequest(generate=pb.GenerateRequest(problem=problem), pe=pe, loops=True)
    heads = max(1, problem.instance.heads)
    lines = instructions = 0
    for chunk in stub.StreamPrograms(request, timeout=timeout):
        if chunk.chunk_index == 0:
            print(f"PE {pe}:")  # once the server has accepted the request
        for ins in chunk.instructions:
            e = ins.run.first
            kind = pb.Instruction.Type.Name(ins.type).split("_")[-1].lower()
            text = f"{e.start:12d} {e.end:12d}  {kind} {event_name(pb, e, heads)}"
            if ins.type == pb.Instruction.TYPE_SEND:
                text += f" to PE {e.to_pe}, arrives {e.arrival}"
            elif ins.type == pb.Instruction.TYPE_RECEIVE:
                text += f" from PE {e.pe}, arrives {e.arrival}"
            count = max(1, ins.run.count)
            if count > 1:
                steps = [f"{k} {v:+d}" for k, v in (("start", ins.run.start_step),
                                                   ("i", ins.run.i_step), ("j", ins.run.j_step)) if v]
                text += f"  x{count}: " + ", ".join(steps)
            print(text)
            lines += 1
            instructions += count
        if chunk.last:
            summary = chunk.summary
    print(f"# PE {pe}: {instructions} instructions in {lines} lines; "
          f"makespan {summary.makespan_cycles} cycles, valid {summary.valid}")
    return instructions


def write_trace(pb, stub, problem, out, timeout):
    """One slice per event: PEs as process 0 (one track per PE), links as process 1."""
    heads = max(1, problem.instance.heads)
    slices = []
    for chunk in stub.StreamSchedule(pb.GenerateRequest(problem=problem), timeout=timeout):
        for e in chunk.events:
            what = e.WhichOneof("what")
            link = what == "item"
            pid, tid = (1, e.pe) if link else (0, e.pe if what == "op" else problem.machine.pes + e.pe)
            args = {"to_pe": e.to_pe, "arrival": e.arrival} if link else {}
            name = event_name(pb, e, heads)
            slices.append({"ph": "X", "pid": pid, "tid": tid, "ts": e.start, "dur": e.end - e.start,
                           "name": name, "cat": "free" if what == "free" else name.split("(")[0].split("[")[0],
                           "args": args})
    names = [{"ph": "M", "pid": 0, "name": "process_name", "args": {"name": "PEs"}},
             {"ph": "M", "pid": 1, "name": "process_name", "args": {"name": "links"}}]
    json.dump({"displayTimeUnit": "ns", "traceEvents": names + slices}, out)
    print(f"trace: {len(slices)} slices written to {out.name} (open it in ui.perfetto.dev)")
    return len(slices)


def main():
    args = parse_args()
    sys.path.insert(0, args.stubs)
    import grpc
    from attnsched.v1 import scheduler_pb2 as pb
    from attnsched.v1 import scheduler_pb2_grpc as rpc

    problem = pb.Problem(
        instance=pb.Instance(n=args.n, d=args.d, scheme=pb.Scheme.Value(f"SCHEME_{args.scheme.upper()}")),
        machine=pb.Machine(pes=args.pes))
    try:
        trace = open(args.trace, "w") if args.trace else None  # refused before any call
    except OSError as error:
        print(f"programs_client: --trace {args.trace}: {error.strerror}", file=sys.stderr)
        return 2
    with grpc.insecure_channel(args.server) as channel:
        stub = rpc.SchedulerStub(channel)
        try:
            print_program(pb, stub, problem, args.pe, args.timeout)
            if trace:
                with trace:
                    write_trace(pb, stub, problem, trace, args.timeout)
        except grpc.RpcError as error:
            print(f"programs_client: {error.code().name}: {error.details()}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
