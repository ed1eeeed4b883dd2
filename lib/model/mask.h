// The attention mask as data (SPEC section 10.2): which keys j each row i attends.
// Every question of the form "does row i attend key j", "how many keys does row i
// attend", "which rows read key j" and "what is the dense index of score s(i,j)" is
// answered here and nowhere else.
//
// A mask is a list of segments (length, kind) whose lengths sum to n, and an optional
// window w >= 0 (0 = none). Token i lies in segment S(i). Row i attends key j (j in
// M(i)) iff
//   S(i) = S(j), kind(S(i)) != padding, (kind = bidirectional or j <= i), and
//   (w = 0 or |i - j| < w).
// Consequences used throughout (and checked by tests/mask_test.cc):
//   - M(i) is one run of keys [KeyBegin(i), KeyEnd(i)); a padding row's run is empty;
//     a row that is not padding attends itself.
//   - The rows that read key j, R(j) = {i : j in M(i)}, are one run [ReaderBegin(j),
//     ReaderEnd(j)).
//   - KeyBegin, KeyEnd, ReaderBegin and ReaderEnd never decrease as i (or j) grows, so
//     sliding-window sweeps over rows or keys are linear.
//   - The unordered pairs {i <= j} with j in M(i) or i in M(j) (the dots of shared
//     inputs) are, for each j, the i in [KeyBegin(j), j] (empty for padding).
// v1's schemes are the one-segment masks: general = one bidirectional segment,
// causal = one causal segment (no window).
//
// Dense indices (prefix sums over rows, O(1) each): ScoreIndex(i, j) numbers the
// pairs (i, j in M(i)) row by row in [0, ScoreCount()), ReaderIndex(i, j) the same
// pairs key by key; PairIndex(i, j) numbers the unordered pairs above column by column
// in [0, PairCount()).
//
// Tiles (SPEC section 10.4): Tiled(b) gives the same mask over tiles of b tokens, tile
// t holding tokens [t b, min((t + 1) b, n)). Every question above is then asked of
// tiles: tile row I attends key tile J iff some token row of I attends some key of J;
// n() counts tiles and tokens() is the token mask. The properties above hold for tiles
// too: a tile row's keys are one run (the tiles between its first and last key: a gap
// could only be a padding segment, and one shorter than b lies inside tile I, which I
// attends), and so are a key tile's readers. Weights say how many token pairs a tile
// pair stands for: Pairs(I, J) ordered pairs (i in I, j in J, j in M(i)), the pairs of
// shared inputs UnorderedPairs(I, J), RowPairs(I) the row block's pairs. With b = 1
// every weight is 1 and RowPairs is RowLength.
//
// Mask is an immutable value: copies share one table (32 bytes per token: M(i), and
// three dense-index bases; 4 more for the segment of each token when there are several;
// a tiled mask adds 8 bytes per tile pair) and are cheap.
// Thread-safe.
#ifndef ATTNSCHED_LIB_MODEL_MASK_H_
#define ATTNSCHED_LIB_MODEL_MASK_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace attnsched {

// How the tokens of a segment attend: each row to the keys of its segment at or
// before it (causal), to every key of its segment (bidirectional), or not at all
// (padding: pad tokens have no operations and no row attends them).
enum class SegmentKind : uint8_t { kCausal, kBidirectional, kPadding };

// "causal", "bidirectional" or "padding".
absl::string_view SegmentKindName(SegmentKind kind);

struct Segment {
  int64_t length = 0;  // tokens, >= 1
  SegmentKind kind = SegmentKind::kBidirectional;
  friend bool operator==(const Segment&, const Segment&) = default;
};

// Parses the compact form "512c,300c,212b,16p": comma-separated lengths, each followed
// by c (causal), b (bidirectional) or p (padding). InvalidArgumentError naming the
// entry and the rule otherwise.
absl::StatusOr<std::vector<Segment>> ParseSegments(absl::string_view text);

// The compact form ParseSegments reads.
std::string SegmentsText(const std::vector<Segment>& segments);

// Most tile pairs (row tile, key tile) a tiled mask may have: its weights take 8 bytes
// each (32 MiB at most, built in about 50 ms; a server builds them for a request before
// admitting it), and a schedule has at least two events per pair. Tiles exist to keep
// schedules small: 2048 tiles of a causal sequence are 2.1 million pairs.
inline constexpr int64_t kMaxTilePairs = int64_t{1} << 22;

class Mask {
 public:
  // An empty mask (n = 0): the value of a default Instance; Make gives real ones.
  Mask();

  // One segment of n tokens of `kind`, no window. For n < 1 an invalid mask that keeps
  // n and kind and answers nothing else, so that ValidateProblem (and a conversion
  // before it) names the bad n. O(n).
  static Mask OneSegment(int64_t n, SegmentKind kind);

  // Validates and builds. Errors (InvalidArgumentError, naming the field and rule):
  // no segments, a length < 1, lengths summing above `max_tokens`, window < 0, or
  // every token padding (nothing to schedule). O(n) time and memory.
  static absl::StatusOr<Mask> Make(std::vector<Segment> segments, int64_t window,
                                   int64_t max_tokens);

  // The same mask over tiles of b tokens (see the file comment). Errors
  // (InvalidArgumentError): b outside [1, tokens().n()] ("tile = 0: must be in
  // [1, 4096]"). b = 1 returns the token mask; a tiled mask tiles its tokens anew.
  // O(n + tile pairs) time, 8 bytes per tile pair.
  absl::StatusOr<Mask> Tiled(int64_t b) const;

  // Rows (and keys) of the task graph: tokens, or tiles when tile() > 1.
  int64_t n() const { return n_; }
  // Tokens per tile, b >= 1 (1: the token mask).
  int64_t tile() const { return tile_; }
  // The token mask (this one when tile() = 1).
  const Mask& tokens() const { return tokens_ ? *tokens_ : *this; }
  // Tokens of tile t: [TileBegin(t), TileEnd(t)), TileTokens(t) of them.
  int64_t TileBegin(int64_t t) const { return t * tile_; }
  int64_t TileEnd(int64_t t) const { return std::min((t + 1) * tile_, tokens().n_); }
  int64_t TileTokens(int64_t t) const { return TileEnd(t) - TileBegin(t); }

  // The token mask's window and segments (tokens, also for a tiled mask).
  int64_t window() const { return window_; }
  const std::vector<Segment>& segments() const;

  // M(i) = [KeyBegin(i), KeyEnd(i)); RowLength(i) = |M(i)| (0 for padding). O(1):
  // one table read (these sit on the validator's and simulator's hot paths).
  int64_t KeyBegin(int64_t i) const { return table_->keys[i].begin; }
  int64_t KeyEnd(int64_t i) const { return table_->keys[i].end; }
  int64_t RowLength(int64_t i) const { return KeyEnd(i) - KeyBegin(i); }

  // R(j) = [ReaderBegin(j), ReaderEnd(j)): the rows that attend key j.
  int64_t ReaderBegin(int64_t j) const;
  int64_t ReaderEnd(int64_t j) const;

  // j in M(i). Indices must be in [0, n).
  bool Attends(int64_t i, int64_t j) const {
    const Run& run = table_->keys[i];
    return j >= run.begin && j < run.end;
  }
  // Weights (file comment). Pairs requires Attends(i, j); UnorderedPairs requires
  // i <= j and Related(i, j) (for i < j that is Attends(j, i): a later row attends an
  // earlier key whenever the earlier row attends the later key).
  int64_t Pairs(int64_t i, int64_t j) const {
    return tile_ == 1 ? 1 : table_->pairs[ScoreIndex(i, j)];
  }
  int64_t UnorderedPairs(int64_t i, int64_t j) const {
    if (tile_ == 1) return 1;
    return i == j ? table_->diagonal_pairs[i] : table_->pairs[ScoreIndex(j, i)];
  }
  int64_t RowPairs(int64_t i) const { return tile_ == 1 ? RowLength(i) : table_->row_pairs[i]; }

  // Token-level rule (a token mask only; a tiled mask asks tokens()).
  // The rule of the file comment evaluated literally from the segments, in O(log
  // segments): an independent statement of M(i) for the simulator's direct attention
  // and for tests of the runs above.
  bool AttendsByDefinition(int64_t i, int64_t j) const {
    const int64_t s = SegmentByDefinition(i);
    const SegmentKind kind = table_->spans[s].kind;
    return s == SegmentByDefinition(j) && kind != SegmentKind::kPadding &&
           (kind == SegmentKind::kBidirectional || j <= i) &&
           (window_ == 0 || (i > j ? i - j : j - i) < window_);
  }

  // The keys AttendsByDefinition can accept for row i, from the definition alone: those
  // of S(i) (found by a search of the spans) within |i - j| < w. O(log segments).
  std::pair<int64_t, int64_t> CandidatesByDefinition(int64_t i) const {
    const SegmentSpan& s = table_->spans[SegmentByDefinition(i)];
    if (window_ == 0) return {s.begin, s.end};
    return {std::max(s.begin, i - window_ + 1), std::min(s.end, i + window_)};
  }

  // j in M(i) or i in M(j): a dot of shared inputs exists for the pair.
  bool Related(int64_t i, int64_t j) const { return Attends(i, j) || Attends(j, i); }

  // Why row i does not attend key j, for error messages, e.g. "row 3 is in a causal
  // segment [0, 8): it attends keys j <= 3". Requires !Attends(i, j).
  std::string WhyNotAttends(int64_t i, int64_t j) const;

  // Sum of the row lengths: the scores s(i,j) of distinct inputs, and the axpys.
  int64_t ScoreCount() const { return table_->score_count; }
  // Unordered related pairs {i <= j}: the dots of shared inputs.
  int64_t PairCount() const { return table_->pair_count; }
  // Rows that attend at least one key: the softmaxes.
  int64_t RowsWithKeys() const { return table_->rows_with_keys; }
  // The longest row in keys (tiles when tiled).
  int64_t LongestRow() const { return table_->longest_row; }
  // Over the rows with keys: the most, the fewest and the gcd of RowPairs.
  int64_t MostRowPairs() const { return table_->most_row_pairs; }
  int64_t FewestRowPairs() const { return table_->fewest_row_pairs; }
  int64_t RowPairsGcd() const { return table_->row_pairs_gcd; }
  // The fewest and the gcd of Pairs over all (i, j in M(i)), and the same for
  // UnorderedPairs over the related pairs (1 and 1 for a token mask).
  int64_t FewestPairs() const { return table_->fewest_pairs; }
  int64_t PairsGcd() const { return table_->pairs_gcd; }
  int64_t FewestUnorderedPairs() const { return table_->fewest_unordered; }
  int64_t UnorderedPairsGcd() const { return table_->unordered_gcd; }

  // Dense indices (see the file comment). ScoreIndex requires Attends(i, j);
  // PairIndex requires i <= j and Related(i, j).
  int64_t ScoreIndex(int64_t i, int64_t j) const { return table_->score_base[i] + j; }
  // The same pairs numbered key by key (requires Attends(i, j)): for the readers of a
  // key in a row, as ring schedules run dots and axpys.
  int64_t ReaderIndex(int64_t i, int64_t j) const { return table_->reader_base[j] + i; }
  int64_t PairIndex(int64_t i, int64_t j) const { return table_->pair_base[j] + i; }

  // True when one bidirectional segment covers every token and the window does not
  // cut any pair: every row attends every key, so any permutation of the tokens maps
  // the task graph onto itself (lib/schedule/relabel.h).
  bool Full() const;
  // True when the mask is v1's causal scheme: one causal segment, no window cut.
  bool PlainCausal() const;

  // "512c,300c,16p" and, with a window, " window 4096".
  std::string Describe() const;

  friend bool operator==(const Mask& a, const Mask& b) {
    return a.window_ == b.window_ && a.tile_ == b.tile_ && a.segments() == b.segments();
  }

 private:
  struct SegmentSpan {
    int64_t begin = 0;
    int64_t end = 0;
    SegmentKind kind = SegmentKind::kBidirectional;
  };
  struct Run {
    int32_t begin = 0;
    int32_t end = 0;
  };
  struct Table {
    std::vector<Segment> segments;
    std::vector<SegmentSpan> spans;
    std::vector<int32_t> segment_of;  // per token; empty when there is one segment
    std::vector<Run> keys;            // M(i) per row
    // ScoreIndex(i, j) - j: the scores of the rows before i, minus KeyBegin(i); and
    // PairIndex(i, j) - i: the pairs of the columns before j, minus KeyBegin(j).
    std::vector<int64_t> score_base;
    std::vector<int64_t> pair_base;
    std::vector<int64_t> reader_base;  // ReaderIndex(i, j) - i
    int64_t score_count = 0;
    int64_t pair_count = 0;
    int64_t rows_with_keys = 0;
    int64_t longest_row = 0;
    int64_t most_row_pairs = 0;
    int64_t fewest_row_pairs = 0;
    int64_t row_pairs_gcd = 0;
    int64_t fewest_pairs = 1;
    int64_t pairs_gcd = 1;
    int64_t fewest_unordered = 1;
    int64_t unordered_gcd = 1;
    // Tiled masks only: the readers of each key tile, Pairs by ScoreIndex, the
    // unordered pairs inside each tile, and RowPairs.
    std::vector<Run> readers;
    std::vector<int64_t> pairs;
    std::vector<int64_t> diagonal_pairs;
    std::vector<int64_t> row_pairs;
  };

  const SegmentSpan& Seg(int64_t i) const {
    return table_->segment_of.empty() ? table_->spans[0] : table_->spans[table_->segment_of[i]];
  }
  // The window's reach to either side: w - 1, or n when there is no window.
  int64_t Reach() const { return window_ == 0 ? n_ : window_ - 1; }
  // S(t) by a search of the spans (AttendsByDefinition's, not the table's).
  int64_t SegmentByDefinition(int64_t t) const {
    return table_->spans.size() == 1 ? 0 : SegmentBySearch(t);
  }
  int64_t SegmentBySearch(int64_t t) const;
  // M(i) from the segments and the window (the table's source).
  Run KeysOf(int64_t i) const;

  // Fills the dense-index bases and counts of `table` from its key runs (tokens or
  // tiles).
  static void CountRuns(Table& table, int64_t n);
  // The tile tables of Tiled(b) (file comment), from this token mask.
  void FillTileTables(Table& tiles, int64_t b) const;
  // The fewest, most and gcd of the weights of a tiled table.
  static void FillWeightStatistics(Table& tiles);

  int64_t n_ = 0;
  int64_t window_ = 0;
  int64_t tile_ = 1;
  std::shared_ptr<const Table> table_;
  std::shared_ptr<const Mask> tokens_;  // tiled masks only
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_MASK_H_
