package forum

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Typed domain errors. server/ maps them to HTTP status codes in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("you are not allowed to do that")
	ErrUnauthorized = errors.New("you need to log in")
	ErrConflict     = errors.New("conflict")
	// ErrUnavailable: the database cannot be reached or cannot take a
	// write right now; try again shortly. See IsUnavailable.
	ErrUnavailable = models.ErrUnavailable
)

// IsUnavailable reports whether err means the database is unavailable
// (down, connections cut, disk full, locked), whether or not a layer
// marked it ErrUnavailable on the way: models.IsUnavailable is the one
// list of which driver errors mean that.
func IsUnavailable(err error) bool { return models.IsUnavailable(err) }

// RateLimitError says an action was refused for being too frequent.
// RetryAfter, when known, is how long until it would be accepted (the
// login page sends it as Retry-After).
type RateLimitError struct {
	Message    string
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string { return e.Message }

// ValidationError lists what is wrong with input, field by field, so a form
// can show each message beside its field and keep what the user typed.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = k + ": " + e.Fields[k]
	}
	return strings.Join(msgs, "; ")
}

// validation collects field errors while checking input.
type validation map[string]string

func (v validation) add(field, msg string) {
	if _, ok := v[field]; !ok {
		v[field] = msg
	}
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}

// AsValidation returns the ValidationError inside err, if any.
func AsValidation(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}
