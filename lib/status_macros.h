// ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr), returns its
// status from the enclosing function on error, otherwise moves the value into lhs.
#ifndef ATTNSCHED_LIB_STATUS_MACROS_H_
#define ATTNSCHED_LIB_STATUS_MACROS_H_

#define ATTNSCHED_CONCAT_INNER(a, b) a##b
#define ATTNSCHED_CONCAT(a, b) ATTNSCHED_CONCAT_INNER(a, b)
#define ATTNSCHED_ASSIGN_OR_RETURN_IMPL(lhs, expr, tmp) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(*tmp)
#define ASSIGN_OR_RETURN(lhs, expr) \
  ATTNSCHED_ASSIGN_OR_RETURN_IMPL(lhs, expr, ATTNSCHED_CONCAT(status_or_, __LINE__))

// RETURN_IF_ERROR(expr): returns the absl::Status `expr` from the enclosing function
// when it is not OK.
// The status variable is numbered by __COUNTER__ so that a RETURN_IF_ERROR inside a
// lambda passed to another RETURN_IF_ERROR does not shadow the outer one (-Wshadow).
#define RETURN_IF_ERROR(expr) \
  ATTNSCHED_RETURN_IF_ERROR_IMPL(expr, ATTNSCHED_CONCAT(attnsched_status_, __COUNTER__))
#define ATTNSCHED_RETURN_IF_ERROR_IMPL(expr, status)  \
  do {                                                \
    if (absl::Status status = (expr); !status.ok()) { \
      return status;                                  \
    }                                                 \
  } while (false)

#endif  // ATTNSCHED_LIB_STATUS_MACROS_H_
