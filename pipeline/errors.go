package pipeline

import "errors"

// Errors are classified so that the runtime and outputs treat them alike everywhere:
// retryable (the default: back off and try again) and permanent (dead-letter with the reason
// and count). The third class, partial (retry only the items that failed), is not an error
// value: an output on the sender helper returns the failed items in sender.Response.Retry.

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
