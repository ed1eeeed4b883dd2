// Heads (SPEC section 10.3): h query heads and g key/value heads (g divides h; MHA:
// g = h, GQA: 1 < g < h, MQA: g = 1). Query head a reads key/value head b = a / (h/g).
//
// Inside the library a layer is one mask over h n rows (problem.h, Instance): head a's
// token (or tile) i is the layer row a n + i, and head a's rows attend only head a's
// keys. The key and value vectors of group b are the items of its first query head's
// rows, k(b (h/g) n + j): one item however many query heads read it, so one transfer
// over a link serves every query head of the group (the compiler forwards each item
// once). Every PE-side rule, the bounds, the generators and the SAT encoder then hold
// for the layer unchanged; this file converts between layer rows and (head, index),
// which names, schedule files and the wire carry.
//
// Placement stays per token (SPEC 10.3: a token's vectors of every head live on its
// home): a layer's placement repeats one head's homes h times (LayerPlacement).
#ifndef ATTNSCHED_LIB_MODEL_HEADS_H_
#define ATTNSCHED_LIB_MODEL_HEADS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/model/placement.h"
#include "lib/model/problem.h"
#include "lib/model/task_graph.h"

namespace attnsched {

// `head` (one head's instance, possibly tiled) as a layer of `heads` query heads and
// `kv_heads` key/value heads (kv_heads = 0: as many as heads). heads = 1 returns
// `head`. Errors (InvalidArgumentError naming `prefix` + the field, the value and the
// rule; after the prefix "--" the flag "kv-heads"): heads or kv_heads outside [1,
// kMaxHeads]; kv_heads not dividing heads; shared inputs with kv_heads != heads; a tile that does
// not divide n (a tile would hold tokens of two heads); heads x n above kMaxTokens. O(h n) time and
// memory (the layer's mask tables; 4 more bytes per row for grouped heads).
absl::StatusOr<Instance> WithHeads(const Instance& head, int64_t heads, int64_t kv_heads,
                                   absl::string_view prefix);

// An operation or item as names and files state it: head, then the indices within the
// head (j = 0 where unused). `head` is the key/value head for k and v.
struct HeadIndices {
  int32_t head = 0;
  int32_t i = 0;
  int32_t j = 0;
};

// The (head, i, j) of a layer operation or item (indices in range; with one head the
// indices as they are, so that unvalidated events keep theirs).
HeadIndices HeadIndicesOf(const Instance& inst, const Operation& op);
HeadIndices HeadIndicesOf(const Instance& inst, const Item& item);

// The layer operation or item `at` names. With one head, `at.head` must be 0 and the
// indices pass as they are (the validator checks them). With heads, the head must be
// in [0, h) ([0, g) for k and v) and the indices in [0, rows_per_head()) (j only where
// used): the layer row of an index outside its head would be another head's. Errors
// (InvalidArgumentError): the rule broken, e.g. "head 1 is out of range [0, 1): the
// instance has 1 key/value head".
absl::StatusOr<Operation> LayerOperation(const Instance& inst, OpKind kind, HeadIndices at);
absl::StatusOr<Item> LayerItem(const Instance& inst, ItemKind kind, HeadIndices at);

// A layer's placement from one head's homes (rows_per_head() entries), repeated for
// every head; and one head's homes of a layer's placement (its first rows).
Placement LayerPlacement(const Instance& inst, const Placement& head_homes);
Placement HeadPlacement(const Instance& inst, const Placement& layer);

// One head's homes, checked against one head's rows and m PEs (ValidatePlacement's
// errors), as a layer's placement.
absl::StatusOr<Placement> CheckedLayerPlacement(const Instance& inst, const Placement& head_homes,
                                                int64_t pes);

// The homes `spec` names for one head's rows (MakePlacement), as a layer's placement.
absl::StatusOr<Placement> MakeLayerPlacement(const PlacementSpec& spec, const Instance& inst,
                                             int64_t pes);

// The problem of one head of `problem`'s layer (itself with one head).
Problem HeadProblem(const Problem& problem);

// The layer token (not tile) whose key and value vectors token t reads: KvRow over
// tokens, for the simulator's direct computation. O(1), two divisions.
int64_t KvToken(const Instance& inst, int64_t t);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_HEADS_H_
