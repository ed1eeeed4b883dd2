#include "lib/sat/cnf.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace attnsched::sat {

void Cnf::AddClause(std::span<const int> literals) {
  literals_.insert(literals_.end(), literals.begin(), literals.end());
  literals_.push_back(0);
  ++num_clauses_;
}

absl::Status Cnf::WriteDimacs(std::ostream& out, const std::string& comment) const {
  for (absl::string_view line : absl::StrSplit(comment, '\n')) out << "c " << line << "\n";
  out << "p cnf " << num_vars_ << " " << num_clauses_ << "\n";
  std::string buffer;
  for (int lit : literals_) {
    absl::StrAppend(&buffer, lit, lit == 0 ? "\n" : " ");
    if (buffer.size() > (1 << 16)) {
      out << buffer;
      buffer.clear();
    }
  }
  out << buffer;
  out.flush();
  if (!out) return absl::DataLossError("writing the DIMACS file failed (disk full?)");
  return absl::OkStatus();
}

}  // namespace attnsched::sat
