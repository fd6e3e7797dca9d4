package forum

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Typed domain errors. server/ maps them to HTTP status codes in one place.
// They are messages (i18n.Error): their Error() is English, and a page
// writes them in the reader's language.
var (
	ErrNotFound     = i18n.Error("errors.not_found")
	ErrForbidden    = i18n.Error("errors.forbidden")
	ErrUnauthorized = i18n.Error("errors.unauthorized")
	ErrConflict     = i18n.Error("errors.conflict")
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
	Message    string // in English
	RetryAfter time.Duration
	Msg        i18n.Msg // Message as a catalog message, for people
}

func (e *RateLimitError) Error() string { return e.Message }

// UserMessage is the message in the reader's language (i18n.MsgOf).
func (e *RateLimitError) UserMessage() i18n.Msg { return e.Msg }

// rateLimited is a RateLimitError saying message id.
func rateLimited(retryAfter time.Duration, id string, kv ...any) *RateLimitError {
	m := i18n.M(id, kv...)
	return &RateLimitError{Message: m.String(), RetryAfter: retryAfter, Msg: m}
}

// ValidationError lists what is wrong with input, field by field, so a form
// can show each message beside its field and keep what the user typed.
// Fields holds the English text (logs, tests, the API without a
// language); Msgs the same as catalog messages, which server/ writes in
// the reader's language (In). Build one with invalid or validation.
type ValidationError struct {
	Fields map[string]string
	Msgs   map[string]i18n.Msg
}

func (e *ValidationError) Error() string { return e.joined(e.Fields) }

// In is Fields written in l: each field's message in l when it has one,
// else its English text.
func (e *ValidationError) In(l *i18n.Lang) map[string]string {
	out := make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		if m, ok := e.Msgs[k]; ok && l != nil {
			v = m.In(l)
		}
		out[k] = v
	}
	return out
}

// ErrorIn is Error() written in l.
func (e *ValidationError) ErrorIn(l *i18n.Lang) string { return e.joined(e.In(l)) }

func (e *ValidationError) joined(fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = k + ": " + fields[k]
	}
	return strings.Join(msgs, "; ")
}

// Invalid is a ValidationError with one field's message: id from the
// catalogs (errors.*) with placeholders as key/value pairs. server/ uses it
// for the few checks it makes itself.
func Invalid(field, id string, kv ...any) *ValidationError {
	v := validation{}
	v.add(field, id, kv...)
	return v.err().(*ValidationError)
}

// invalidMsg is InvalidMsg, for forum's own checks.
func invalidMsg(field string, m i18n.Msg) *ValidationError { return InvalidMsg(field, m) }

// invalid is Invalid, for forum's own checks.
func invalid(field, id string, kv ...any) *ValidationError { return Invalid(field, id, kv...) }

// validation collects field errors while checking input.
type validation map[string]i18n.Msg

// add records message id (with placeholders as key/value pairs) for
// field, unless field already has one.
func (v validation) add(field, id string, kv ...any) { v.addMsg(field, i18n.M(id, kv...)) }

// addMsg records a message made elsewhere (a check shared with another
// form) for field, unless field already has one.
func (v validation) addMsg(field string, m i18n.Msg) {
	if _, ok := v[field]; !ok {
		v[field] = m
	}
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	e := &ValidationError{Fields: make(map[string]string, len(v)), Msgs: make(map[string]i18n.Msg, len(v))}
	for k, m := range v {
		e.Fields[k] = m.String()
		e.Msgs[k] = m
	}
	return e
}

// AsValidation returns the ValidationError inside err, if any.
func AsValidation(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

// InvalidMsg is Invalid for a message made already (a check shared
// between forms, a TooLargeError's message).
func InvalidMsg(field string, m i18n.Msg) *ValidationError {
	v := validation{}
	v.addMsg(field, m)
	return v.err().(*ValidationError)
}

// longMonths are the catalog ids of the months' full names.
var longMonths = [...]string{
	"errors.date.january", "errors.date.february", "errors.date.march", "errors.date.april",
	"errors.date.may", "errors.date.june", "errors.date.july", "errors.date.august",
	"errors.date.september", "errors.date.october", "errors.date.november", "errors.date.december",
}

// shortMonths are the core catalog's abbreviated month names.
var shortMonths = [...]string{
	"date.month.jan", "date.month.feb", "date.month.mar", "date.month.apr",
	"date.month.may", "date.month.jun", "date.month.jul", "date.month.aug",
	"date.month.sep", "date.month.oct", "date.month.nov", "date.month.dec",
}

// longTime is a moment in UTC with the month's full name, as a message
// placed into another: "4 January 2030 15:04 UTC".
func longTime(t time.Time) i18n.Msg {
	t = t.UTC()
	return i18n.M("errors.date.long", "Day", t.Day(), "Month", i18n.M(longMonths[t.Month()-1]), "Year", t.Year(), "Time", t.Format("15:04"))
}

// shortTime is longTime with the month abbreviated: "4 Jan 2030 15:04 UTC".
func shortTime(t time.Time) i18n.Msg {
	t = t.UTC()
	return i18n.M("errors.date.short", "Day", t.Day(), "Month", i18n.M(shortMonths[t.Month()-1]), "Year", t.Year(), "Time", t.Format("15:04"))
}

// With is e with one more field's message (id and placeholders as for
// Invalid), unless that field has one already; e may be nil.
func (e *ValidationError) With(field, id string, kv ...any) *ValidationError {
	v := validation{}
	if e != nil {
		for k, f := range e.Fields {
			if m, ok := e.Msgs[k]; ok {
				v[k] = m
			} else {
				v[k] = i18n.M("errors.text", "Text", f)
			}
		}
	}
	v.add(field, id, kv...)
	return v.err().(*ValidationError)
}
