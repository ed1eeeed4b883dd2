#include "client/flags.h"

#include "absl/flags/flag.h"
#include "lib/algorithms/generator.h"
#include "lib/base/system_memory.h"
#include "lib/export/trace.h"
#include "lib/sat/encoder.h"
#include "lib/sat/optimal_search.h"
#include "lib/schedule/validator.h"

ABSL_FLAG(std::string, model, "",
          "generate: a model preset (attnsched models lists them); sets the mask, n and d");
ABSL_FLAG(std::string, scheme, "", "generate: general, shared or causal (with --n and --d)");
ABSL_FLAG(std::string, segments, "",
          "generate: the mask as segments, e.g. 512c,300c,16p (length + c causal, b "
          "bidirectional, p padding); instead of --scheme; n is their sum");
ABSL_FLAG(int64_t, tile, 1,
          "generate: tokens per tile b (1..n): operations over tiles of b tokens, the "
          "placement per tile (docs/model.md, Tiles)");
ABSL_FLAG(int64_t, heads, 1,
          "generate, solve: query heads h, scheduled together (docs/model.md, Heads); with "
          "--model the preset's first h heads and their key/value heads");
ABSL_FLAG(int64_t, kv_heads, 0,
          "generate, solve: key/value heads g, dividing --heads (GQA; 1: MQA); 0 means as "
          "many as --heads; not with --model (the preset groups its heads)");
ABSL_FLAG(int64_t, window, 0,
          "generate: sliding window w: row i attends keys with |i - j| < w (0: none)");
ABSL_FLAG(bool, shared, false, "generate: shared inputs x = q = k = v, with any mask");
ABSL_FLAG(int64_t, n, 0, "generate: tokens (sequence length), >= 1; required with --scheme");
ABSL_FLAG(int64_t, d, 0, "generate: head dimension in words, >= 1; required with --scheme");
ABSL_FLAG(int64_t, pes, 0, "generate: processing elements in the ring, >= 1; required");
ABSL_FLAG(int64_t, link_words, 1,
          "generate, solve: words a link moves every --link-cycles cycles (W_l >= 1); a "
          "transfer of w words occupies the link ceil(w * C_l / W_l) cycles");
ABSL_FLAG(int64_t, link_cycles, 1, "generate, solve: cycles per --link-words words (C_l >= 1)");
ABSL_FLAG(int64_t, max_words_per_pe, 0,
          "generate: the storage limit S, words a PE may hold at once (0: none); the "
          "generator frees what each PE received after its last use, and refuses a limit "
          "its schedule cannot meet");
ABSL_FLAG(int64_t, link_latency, 0,
          "generate, solve: cycles from a transfer's end to the item being resident on the "
          "receiver (alpha >= 0; the link is free again at the transfer's end)");
ABSL_FLAG(int64_t, link_words_per_cycle, 1,
          "generate, solve: v1's name for --link-words with --link-cycles 1");
ABSL_FLAG(int64_t, c_dot, 0, "generate: cycles of dot(i,j); 0 means the default d");
ABSL_FLAG(int64_t, c_softmax, 0,
          "generate: cycles of softmax(i) per score of the row; 0 means the default 1");
ABSL_FLAG(int64_t, c_axpy, 0, "generate: cycles of axpy(i,j); 0 means the default d");
ABSL_FLAG(uint64_t, seed, 1, "generate, verify: seed of the simulator's random inputs");
ABSL_FLAG(bool, json, false, "print one JSON object instead of a table");
ABSL_FLAG(bool, simulate, true,
          "generate, verify: execute valid schedules on real numbers and compare with "
          "attention computed directly (--nosimulate skips it)");
ABSL_FLAG(std::string, out, "",
          "generate: also write the schedule to this file; trace, gantt: the output file "
          "(required); program: write the programs here instead of stdout");
ABSL_FLAG(std::string, out_format, "json",
          "generate: the format of --out: json; binary (length-delimited Protobuf "
          "chunks, about a quarter of the size, verified in bounded memory); or compact "
          "(the binary file with runs of repeating events: a ring's file shrinks by the "
          "length of its runs)");
ABSL_FLAG(int64_t, max_events, attnsched::kDefaultMaxEvents,
          "generate, verify: refuse schedules to be held whole in memory with more events "
          "than this, before allocating them (about 80 bytes per event): instances of at "
          "most 300,000 operations, storage limits, files not in start order; larger "
          "schedules are streamed and hold no events");
ABSL_FLAG(int64_t, max_operations, attnsched::kDefaultMaxOperations,
          "generate, verify, prove: refuse task graphs with more operations than this, "
          "before allocating the generator's and validator's per-operation state (about 1 "
          "byte per operation; streamed schedules need nothing per event)");
ABSL_FLAG(std::string, placement, "free",
          "generate: block, cyclic, zigzag or a list of homes h(0),h(1),... (free, the "
          "default: the generator chooses); solve: the same, or free (the default: SAT "
          "chooses the homes) or generator (the generator's homes)");
ABSL_FLAG(int64_t, search_events, attnsched::kDefaultSearchEvents,
          "generate (local mode; a server has its own): events the local search over plans "
          "compiles at most to improve a schedule above its lower bound (0: none); only "
          "small instances fit");
ABSL_FLAG(double, time_limit, 60, "solve, prove: seconds of SAT solving before UNKNOWN");
ABSL_FLAG(int64_t, max_sat_variables, attnsched::sat::EncodeLimits{}.max_variables,
          "solve, prove (local mode; a server has its own): largest SAT formula, in "
          "variables");
ABSL_FLAG(int64_t, max_sat_clauses, attnsched::sat::EncodeLimits{}.max_clauses,
          "solve, prove (local mode; a server has its own): largest SAT formula, in clauses");
ABSL_FLAG(int64_t, max_sat_memory, attnsched::AvailableMemoryBytes() / 2,
          "solve, prove (local mode; a server has its own): bytes the SAT formula and solver "
          "may take, estimated before encoding at 72 bytes per estimated clause (default: half "
          "of the memory this process may use)");
ABSL_FLAG(int64_t, plan_evaluations, attnsched::kDefaultPlanEvaluations,
          "solve, prove (local mode; a server has its own): plans the local search for a "
          "better schedule compiles at most: 5,000 before SAT, the rest if SAT has not "
          "finished within a second (0: none)");
ABSL_FLAG(std::string, proof, "",
          "solve, prove: write a DRAT proof that one cycle less is impossible to this file "
          "(checked by CaDiCaL)");
ABSL_FLAG(bool, confirm, false,
          "solve, prove: solve the formula of an UNSAT answer again with a second, independent "
          "solver (CryptoMiniSat 5) within --time-limit; a disagreement is an error that keeps "
          "the formula for a bug report; with --server the server confirms");
ABSL_FLAG(bool, race, true,
          "solve, prove (local mode; a server has its own): race CryptoMiniSat against CaDiCaL "
          "on a second thread, the first answer wins (two cores to gain; off with --proof or "
          "--confirm in prove, which need CaDiCaL's own answer)");
ABSL_FLAG(std::string, dimacs, "",
          "solve: write the CNF for makespan <= optimum - 1 to this file (DIMACS)");
ABSL_FLAG(std::string, server, "",
          "generate, verify, solve, prove: call attnsched-server at HOST:PORT instead of "
          "running the library in-process (same output)");
ABSL_FLAG(std::string, tls_ca, "",
          "with --server: PEM root certificates to verify the server (TLS); empty: plaintext");
ABSL_FLAG(double, deadline, 600, "with --server: the RPC deadline in seconds");
ABSL_FLAG(int64_t, from, 0, "trace: the window's first cycle, >= 0");
ABSL_FLAG(int64_t, to, 0, "trace: the window's end cycle (exclusive), > --from; 0: the end");
ABSL_FLAG(bool, aggregate, false,
          "trace: merge each track's consecutive events of one kind into one slice");
ABSL_FLAG(int64_t, max_trace_events, attnsched::kDefaultMaxTraceEvents,
          "trace: refuse traces of more slices and counter samples (--aggregate or a window "
          "--from/--to make fewer)");
ABSL_FLAG(std::string, style, "auto",
          "gantt: chart (a rect per event), heatmap (utilisation per PE and link over time "
          "bins) or auto (the chart up to 64 tokens and 128 PEs)");
ABSL_FLAG(int64_t, bins, 256, "gantt: the heat map's time columns, 1..4096");
ABSL_FLAG(int64_t, pe, -1, "program: only this PE's program (streamed); -1: every PE's");
ABSL_FLAG(bool, loops, true,
          "program: runs of instructions that repeat with constant steps as one loop line "
          "(--noloops lists every instruction)");
