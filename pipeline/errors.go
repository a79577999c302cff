package pipeline

import (
	"errors"
	"fmt"
)

// Errors are classified so that the runtime and outputs treat them alike everywhere:
// retryable (the default: back off and try again), permanent (dead-letter with the reason and
// count), and partial (retry only the items that failed).

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying cannot fix (a mapping error, an unparsable event).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// PartialError reports that only some items of a batch failed; Failed holds their indexes in the
// batch's Events and Err the reason. The caller retries those alone.
type PartialError struct {
	Failed []int
	Err    error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%d items failed: %v", len(e.Failed), e.Err)
}

func (e *PartialError) Unwrap() error { return e.Err }
