// Flags of the attnsched command (defined in flags.cc; `attnsched --help` lists them).
#ifndef ATTNSCHED_CLIENT_FLAGS_H_
#define ATTNSCHED_CLIENT_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, model);
ABSL_DECLARE_FLAG(std::string, scheme);
ABSL_DECLARE_FLAG(std::string, segments);
ABSL_DECLARE_FLAG(int64_t, window);
ABSL_DECLARE_FLAG(int64_t, heads);
ABSL_DECLARE_FLAG(int64_t, kv_heads);
ABSL_DECLARE_FLAG(int64_t, tile);
ABSL_DECLARE_FLAG(bool, shared);
ABSL_DECLARE_FLAG(int64_t, n);
ABSL_DECLARE_FLAG(int64_t, d);
ABSL_DECLARE_FLAG(int64_t, pes);
ABSL_DECLARE_FLAG(int64_t, link_words);
ABSL_DECLARE_FLAG(int64_t, link_cycles);
ABSL_DECLARE_FLAG(int64_t, link_latency);
ABSL_DECLARE_FLAG(int64_t, max_words_per_pe);
ABSL_DECLARE_FLAG(int64_t, link_words_per_cycle);
ABSL_DECLARE_FLAG(int64_t, c_dot);
ABSL_DECLARE_FLAG(int64_t, c_softmax);
ABSL_DECLARE_FLAG(int64_t, c_axpy);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(bool, simulate);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, out_format);
ABSL_DECLARE_FLAG(int64_t, max_events);
ABSL_DECLARE_FLAG(int64_t, max_operations);
ABSL_DECLARE_FLAG(std::string, placement);
ABSL_DECLARE_FLAG(int64_t, search_events);
ABSL_DECLARE_FLAG(double, time_limit);
ABSL_DECLARE_FLAG(int64_t, plan_evaluations);
ABSL_DECLARE_FLAG(int64_t, max_sat_variables);
ABSL_DECLARE_FLAG(int64_t, max_sat_clauses);
ABSL_DECLARE_FLAG(int64_t, max_sat_memory);
ABSL_DECLARE_FLAG(std::string, proof);
ABSL_DECLARE_FLAG(bool, confirm);
ABSL_DECLARE_FLAG(bool, race);
ABSL_DECLARE_FLAG(std::string, dimacs);
ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(double, deadline);
ABSL_DECLARE_FLAG(int64_t, from);
ABSL_DECLARE_FLAG(int64_t, to);
ABSL_DECLARE_FLAG(bool, aggregate);
ABSL_DECLARE_FLAG(int64_t, max_trace_events);
ABSL_DECLARE_FLAG(std::string, style);
ABSL_DECLARE_FLAG(int64_t, bins);
ABSL_DECLARE_FLAG(int64_t, pe);
ABSL_DECLARE_FLAG(bool, loops);

#endif  // ATTNSCHED_CLIENT_FLAGS_H_
