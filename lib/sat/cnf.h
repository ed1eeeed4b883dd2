// A CNF formula under construction: variables are 1..num_vars, a literal is +v or
// -v (DIMACS convention), clauses are stored flat, each ended by 0.
#ifndef ATTNSCHED_LIB_SAT_CNF_H_
#define ATTNSCHED_LIB_SAT_CNF_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace attnsched::sat {

class Cnf {
 public:
  // A fresh variable (>= 1).
  int NewVar() { return ++num_vars_; }
  // Adds clause l1 v l2 v ...; an empty clause makes the formula unsatisfiable.
  void AddClause(std::span<const int> literals);
  void AddClause(std::initializer_list<int> literals) {
    AddClause(std::span<const int>(literals.begin(), literals.size()));
  }

  int num_vars() const { return num_vars_; }
  int64_t num_clauses() const { return num_clauses_; }
  // Flat clauses, each terminated by 0.
  const std::vector<int>& literals() const { return literals_; }

  // DIMACS CNF ("p cnf V C"), preceded by `comment` lines prefixed with "c ".
  // DataLossError if the stream fails.
  absl::Status WriteDimacs(std::ostream& out, const std::string& comment) const;

 private:
  int num_vars_ = 0;
  int64_t num_clauses_ = 0;
  std::vector<int> literals_;
};

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_CNF_H_
