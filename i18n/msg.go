package i18n

import (
	"errors"
)

// Msg is a message to be written later in a language not known yet: the
// domain layer (forum/) says what went wrong with an id and placeholder
// values, and the server writes it in the request's language with In.
// Args are key/value pairs as for Lang.T; a value that is itself a Msg is
// written in the same language.
type Msg struct {
	ID   string
	Args []any
	// Count chooses the plural form when Plural is set (see Lang.N).
	Count  int
	Plural bool
}

// M is a Msg with placeholders from key/value pairs: M("errors.x", "Max", 10).
func M(id string, kv ...any) Msg { return Msg{ID: id, Args: kv} }

// N is a Msg with plural forms chosen by count: N("errors.minutes", 5).
func N(id string, count int, kv ...any) Msg {
	return Msg{ID: id, Args: kv, Count: count, Plural: true}
}

// IsZero reports whether m holds no message.
func (m Msg) IsZero() bool { return m.ID == "" }

// In writes m in l (English when l is nil).
func (m Msg) In(l *Lang) string {
	if l == nil {
		l = English()
	}
	args := m.Args
	for i := 1; i < len(m.Args); i += 2 {
		if inner, ok := m.Args[i].(Msg); ok {
			if &args[0] == &m.Args[0] { // copy before the first change: m's slice is shared
				args = append([]any(nil), m.Args...)
			}
			args[i] = inner.In(l)
		}
	}
	if m.Plural {
		return l.N(m.ID, m.Count, args...)
	}
	return l.T(m.ID, args...)
}

// String is m in English, the language of logs.
func (m Msg) String() string { return m.In(nil) }

// English is the default language of the embedded catalogs (the same
// copy Load returns: loading them a second time for logs doubled what a
// process kept). It is what errors say in logs, in the API without
// Accept-Language and in tests; a catalog that does not load is a build
// error (the catalog tests load it), so it panics.
func English() *Lang {
	c, err := Load()
	if err != nil {
		panic("i18n: embedded catalogs: " + err.Error())
	}
	return c.Get(Default)
}

// MsgError is an error that is a message: Error() is its English text, so
// logs and English comparisons keep working, and UserMessage lets a page
// write it in the reader's language.
type MsgError struct {
	Msg   Msg
	cause error
}

func (e *MsgError) Error() string { return e.Msg.String() }

// UserMessage is the message to show a person.
func (e *MsgError) UserMessage() Msg { return e.Msg }

// Unwrap is the error this one specialises (see Wrap), or nil.
func (e *MsgError) Unwrap() error { return e.cause }

// Error returns an error whose text is message id with placeholders from
// key/value pairs. Sentinel errors made with it stay comparable with
// errors.Is (each call is a distinct value).
func Error(id string, kv ...any) error { return &MsgError{Msg: M(id, kv...)} }

// Wrap is Error for a case of cause: errors.Is(err, cause) holds, and the
// text is the message alone (write cause's words into it if wanted).
func Wrap(cause error, id string, kv ...any) error {
	return &MsgError{Msg: M(id, kv...), cause: cause}
}

// Messenger is an error that carries a message for people.
type Messenger interface {
	error
	UserMessage() Msg
}

// MsgOf finds the message err carries for people: the first error in its
// chain with a UserMessage, provided nothing on the way added words of its own
// (a wrapping "load member: %w" changes the text, and a translation of
// only the inner part would drop them). ok is false otherwise.
func MsgOf(err error) (m Msg, ok bool) {
	var me Messenger
	if err == nil || !errors.As(err, &me) || me.Error() != err.Error() {
		return Msg{}, false
	}
	m = me.UserMessage()
	return m, !m.IsZero()
}

// ErrorIn writes err for a person in l: its message when it carries one
// (see MsgOf), else its text as it is.
func ErrorIn(err error, l *Lang) string {
	if m, ok := MsgOf(err); ok {
		return m.In(l)
	}
	return err.Error()
}
