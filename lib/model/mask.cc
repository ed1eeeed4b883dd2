#include "lib/model/mask.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/model/quote.h"

namespace attnsched {
namespace {

char KindLetter(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kCausal: return 'c';
    case SegmentKind::kBidirectional: return 'b';
    case SegmentKind::kPadding: return 'p';
  }
  return '?';
}

}  // namespace

absl::string_view SegmentKindName(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kCausal: return "causal";
    case SegmentKind::kBidirectional: return "bidirectional";
    case SegmentKind::kPadding: return "padding";
  }
  return "?";
}

absl::StatusOr<std::vector<Segment>> ParseSegments(absl::string_view text) {
  std::vector<Segment> segments;
  int64_t index = 0;
  for (const absl::string_view given : absl::StrSplit(text, ',')) {
    const auto bad = [&](absl::string_view rule) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "segments: entry %d %s %s; write lengths with a kind letter, e.g. 512c,300c,16p "
          "(c causal, b bidirectional, p padding)",
          index, Quoted(given), rule));
    };
    if (given.empty()) return bad("is empty");
    absl::string_view entry = given;
    Segment s;
    switch (entry.back()) {
      case 'c': s.kind = SegmentKind::kCausal; break;
      case 'b': s.kind = SegmentKind::kBidirectional; break;
      case 'p': s.kind = SegmentKind::kPadding; break;
      default: return bad("does not end with c, b or p");
    }
    entry.remove_suffix(1);
    if (entry.empty() || !std::all_of(entry.begin(), entry.end(), absl::ascii_isdigit)) {
      return bad("has no length >= 1 before its kind letter");
    }
    if (!absl::SimpleAtoi(entry, &s.length)) return bad("has a length too large");
    if (s.length < 1) return bad("has no length >= 1 before its kind letter");
    segments.push_back(s);
    ++index;
  }
  return segments;
}

std::string SegmentsText(const std::vector<Segment>& segments) {
  return absl::StrJoin(segments, ",", [](std::string* out, const Segment& s) {
    absl::StrAppend(out, s.length, std::string(1, KindLetter(s.kind)));
  });
}

Mask::Mask() : table_(std::make_shared<Table>()) {}

Mask Mask::OneSegment(int64_t n, SegmentKind kind) {
  if (n < 1) {  // kept as given, for ValidateProblem to name; nothing else reads it
    auto table = std::make_shared<Table>();
    table->segments = {Segment{n, kind}};
    table->spans = {SegmentSpan{0, n, kind}};
    Mask mask;
    mask.n_ = n;
    mask.table_ = std::move(table);
    return mask;
  }
  absl::StatusOr<Mask> mask = Make({Segment{n, kind}}, 0, n);
  return *std::move(mask);
}

absl::StatusOr<Mask> Mask::Make(std::vector<Segment> segments, int64_t window,
                                int64_t max_tokens) {
  if (segments.empty()) return absl::InvalidArgumentError("segments: empty; give at least one");
  if (window < 0 || window > max_tokens) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "window = %d: must be in [0, %d] (0 = no window)", window, max_tokens));
  }
  auto table = std::make_shared<Table>();
  int64_t n = 0;
  bool attends = false;
  for (size_t s = 0; s < segments.size(); ++s) {
    if (segments[s].length < 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "segments[%d].length = %d: must be >= 1", s, segments[s].length));
    }
    if (segments[s].length > max_tokens - n) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "segments: the lengths sum to more than %d tokens (at segment %d); that is the "
          "token limit",
          max_tokens, s));
    }
    table->spans.push_back({n, n + segments[s].length, segments[s].kind});
    n += segments[s].length;
    attends |= segments[s].kind != SegmentKind::kPadding;
  }
  if (!attends) {
    return absl::InvalidArgumentError(
        "segments: every token is padding, so there is nothing to schedule; give at least "
        "one causal (c) or bidirectional (b) segment");
  }
  if (segments.size() > 1) {
    table->segment_of.resize(n);
    for (size_t s = 0; s < table->spans.size(); ++s) {
      std::fill(table->segment_of.begin() + table->spans[s].begin,
                table->segment_of.begin() + table->spans[s].end, static_cast<int32_t>(s));
    }
  }
  table->segments = std::move(segments);
  Mask mask;
  mask.n_ = n;
  mask.window_ = window;
  mask.table_ = table;
  // The runs need only the spans; the dense-index bases are prefix sums over them.
  table->keys.resize(n);
  for (int64_t i = 0; i < n; ++i) table->keys[i] = mask.KeysOf(i);
  CountRuns(*table, n);
  table->most_row_pairs = table->longest_row;
  table->fewest_row_pairs = table->longest_row;
  for (const Run& run : table->keys) {
    const int64_t length = run.end - run.begin;
    if (length == 0) continue;
    table->fewest_row_pairs = std::min(table->fewest_row_pairs, length);
    table->row_pairs_gcd = std::gcd(table->row_pairs_gcd, length);
  }
  return mask;
}

void Mask::CountRuns(Table& table, int64_t n) {
  table.score_base.resize(n);
  table.pair_base.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    const Run run = table.keys[i];
    const int64_t length = run.end - run.begin;
    table.score_base[i] = table.score_count - run.begin;
    table.pair_base[i] = table.pair_count - run.begin;
    table.score_count += length;
    table.pair_count += length == 0 ? 0 : i - run.begin + 1;
    table.rows_with_keys += length > 0;
    table.longest_row = std::max(table.longest_row, length);
  }
  // Key by key: the readers of key j are the rows [lo, hi) with begin <= j < end (both
  // never decrease), found by one sweep.
  table.reader_base.resize(n);
  int64_t lo = 0, hi = 0, before = 0;
  for (int64_t j = 0; j < n; ++j) {
    while (lo < n && table.keys[lo].end <= j) ++lo;
    while (hi < n && table.keys[hi].begin <= j) ++hi;
    table.reader_base[j] = before - lo;
    before += std::max<int64_t>(hi - lo, 0);
  }
}

absl::StatusOr<Mask> Mask::Tiled(int64_t b) const {
  if (tile_ > 1) return tokens().Tiled(b);  // tiles of the tokens, not of tiles
  if (b < 1 || b > n_) {
    return absl::InvalidArgumentError(
        absl::StrFormat("tile = %d: must be in [1, %d] (tokens per tile, at most n)", b, n_));
  }
  if (b == 1) return *this;
  const int64_t tiles = (n_ + b - 1) / b;
  auto table = std::make_shared<Table>();
  table->segments = table_->segments;
  table->keys.resize(tiles);
  table->readers.resize(tiles);
  // Hulls of the token runs of each tile (file comment: they have no gaps).
  for (int64_t t = 0; t < tiles; ++t) {
    Run keys{static_cast<int32_t>(t), static_cast<int32_t>(t)}, readers = keys;
    bool any_key = false, any_reader = false;
    for (int64_t x = t * b; x < std::min((t + 1) * b, n_); ++x) {
      if (RowLength(x) > 0) {
        if (!any_key) keys.begin = static_cast<int32_t>(KeyBegin(x) / b);
        keys.end = static_cast<int32_t>((KeyEnd(x) - 1) / b + 1);
        any_key = true;
      }
      if (ReaderEnd(x) > ReaderBegin(x)) {
        if (!any_reader) readers.begin = static_cast<int32_t>(ReaderBegin(x) / b);
        readers.end = static_cast<int32_t>((ReaderEnd(x) - 1) / b + 1);
        any_reader = true;
      }
    }
    table->keys[t] = keys;
    table->readers[t] = readers;
  }
  CountRuns(*table, tiles);
  if (table->score_count > kMaxTilePairs) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "tile = %d: the mask has %d tile pairs, above the limit of %d; use a larger tile", b,
        table->score_count, kMaxTilePairs));
  }
  Mask mask;
  mask.n_ = tiles;
  mask.window_ = window_;
  mask.tile_ = b;
  mask.tokens_ = std::make_shared<const Mask>(*this);
  FillTileTables(*table, b);
  mask.table_ = std::move(table);
  return mask;
}

void Mask::FillTileTables(Table& tiles, int64_t b) const {
  const int64_t count = static_cast<int64_t>(tiles.keys.size());
  tiles.pairs.assign(tiles.score_count, 0);
  tiles.diagonal_pairs.assign(count, 0);
  tiles.row_pairs.assign(count, 0);
  std::vector<int64_t> diff;  // over the tile row's run, one past its end
  for (int64_t t = 0; t < count; ++t) {
    const Run run = tiles.keys[t];
    diff.assign(run.end - run.begin + 1, 0);
    for (int64_t i = t * b; i < std::min((t + 1) * b, n_); ++i) {
      if (RowLength(i) == 0) continue;
      tiles.row_pairs[t] += RowLength(i);
      tiles.diagonal_pairs[t] += i - std::max(KeyBegin(i), t * b) + 1;
      // Row i adds its overlap with each key tile: partial at both ends, b between.
      const int64_t first = KeyBegin(i) / b, last = (KeyEnd(i) - 1) / b;
      if (first == last) {
        diff[first - run.begin] += RowLength(i);
        diff[first - run.begin + 1] -= RowLength(i);
        continue;
      }
      const int64_t head = (first + 1) * b - KeyBegin(i), tail = KeyEnd(i) - last * b;
      diff[first - run.begin] += head;
      diff[first - run.begin + 1] += b - head;
      diff[last - run.begin] += tail - b;
      diff[last - run.begin + 1] -= tail;
    }
    int64_t pairs = 0;
    for (int64_t j = run.begin; j < run.end; ++j) {
      pairs += diff[j - run.begin];
      tiles.pairs[tiles.score_base[t] + j] = pairs;
    }
  }
  FillWeightStatistics(tiles);
}

const std::vector<Segment>& Mask::segments() const { return table_->segments; }

Mask::Run Mask::KeysOf(int64_t i) const {
  const SegmentSpan& s = Seg(i);
  const auto run = [](int64_t begin, int64_t end) {
    return Run{static_cast<int32_t>(begin), static_cast<int32_t>(end)};
  };
  switch (s.kind) {
    case SegmentKind::kPadding: return run(i, i);
    case SegmentKind::kCausal: return run(std::max(s.begin, i - Reach()), i + 1);
    case SegmentKind::kBidirectional:
      return run(std::max(s.begin, i - Reach()), std::min(s.end, i + Reach() + 1));
  }
  return run(i, i);
}

void Mask::FillWeightStatistics(Table& tiles) {
  const int64_t count = static_cast<int64_t>(tiles.keys.size());
  tiles.fewest_pairs = tiles.fewest_unordered = std::numeric_limits<int64_t>::max();
  tiles.pairs_gcd = tiles.unordered_gcd = 0;
  tiles.fewest_row_pairs = std::numeric_limits<int64_t>::max();
  // A gcd that reached 1 stays 1: skip the division then (most masks get there soon).
  const auto fold = [](int64_t& gcd, int64_t x) {
    if (gcd != 1) gcd = std::gcd(gcd, x);
  };
  for (int64_t t = 0; t < count; ++t) {
    const Run run = tiles.keys[t];
    if (run.end == run.begin) continue;
    tiles.most_row_pairs = std::max(tiles.most_row_pairs, tiles.row_pairs[t]);
    tiles.fewest_row_pairs = std::min(tiles.fewest_row_pairs, tiles.row_pairs[t]);
    fold(tiles.row_pairs_gcd, tiles.row_pairs[t]);
    tiles.fewest_unordered = std::min(tiles.fewest_unordered, tiles.diagonal_pairs[t]);
    fold(tiles.unordered_gcd, tiles.diagonal_pairs[t]);
    for (int64_t j = run.begin; j < run.end; ++j) {
      const int64_t pairs = tiles.pairs[tiles.score_base[t] + j];
      tiles.fewest_pairs = std::min(tiles.fewest_pairs, pairs);
      fold(tiles.pairs_gcd, pairs);
      if (j < t) {  // UnorderedPairs(j, t)
        tiles.fewest_unordered = std::min(tiles.fewest_unordered, pairs);
        fold(tiles.unordered_gcd, pairs);
      }
    }
  }
}

int64_t Mask::ReaderBegin(int64_t j) const {
  if (tile_ > 1) return table_->readers[j].begin;
  const SegmentSpan& s = Seg(j);
  switch (s.kind) {
    case SegmentKind::kPadding: return j;
    case SegmentKind::kCausal: return j;
    case SegmentKind::kBidirectional: return std::max(s.begin, j - Reach());
  }
  return j;
}

int64_t Mask::ReaderEnd(int64_t j) const {
  if (tile_ > 1) return table_->readers[j].end;
  const SegmentSpan& s = Seg(j);
  if (s.kind == SegmentKind::kPadding) return j;
  return std::min(s.end, j + Reach() + 1);
}

int64_t Mask::SegmentBySearch(int64_t t) const {
  const std::vector<SegmentSpan>& spans = table_->spans;
  return std::upper_bound(spans.begin(), spans.end(), t,
                          [](int64_t x, const SegmentSpan& s) { return x < s.end; }) -
         spans.begin();
}

std::string Mask::WhyNotAttends(int64_t i, int64_t j) const {
  if (tile_ > 1) {
    return absl::StrFormat(
        "no token of tile %d [%d, %d) attends a key of tile %d [%d, %d) (tile size %d)", i,
        TileBegin(i), TileEnd(i), j, TileBegin(j), TileEnd(j), tile_);
  }
  const SegmentSpan& s = Seg(i);
  const std::string where = absl::StrFormat("row %d is in a %s segment [%d, %d)", i,
                                            SegmentKindName(s.kind), s.begin, s.end);
  if (s.kind == SegmentKind::kPadding) return where + ": pad tokens attend no key";
  if (j < s.begin || j >= s.end) return absl::StrFormat("%s: key %d is outside it", where, j);
  if (s.kind == SegmentKind::kCausal && j > i) {
    return absl::StrFormat("%s: it attends keys j <= %d", where, i);
  }
  return absl::StrFormat("%s with window %d: it attends keys with |i - j| < %d", where, window_,
                         window_);
}

bool Mask::Full() const {
  return segments().size() == 1 && segments()[0].kind == SegmentKind::kBidirectional &&
         (window_ == 0 || window_ >= tokens().n_);
}

bool Mask::PlainCausal() const {
  return segments().size() == 1 && segments()[0].kind == SegmentKind::kCausal &&
         (window_ == 0 || window_ >= tokens().n_);
}

std::string Mask::Describe() const {
  std::string text = SegmentsText(segments());
  if (window_ > 0) absl::StrAppend(&text, " window ", window_);
  return text;
}

}  // namespace attnsched
