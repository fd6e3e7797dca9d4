package i18n

import (
	"errors"
	"fmt"
	"testing"
)

func TestMsgIn(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, de := c.Get("en"), c.Get("de")
	nested := M("errors.sanctions.silence_until", "Until", M("errors.date.long", "Day", 4, "Month", M("errors.date.january"), "Year", 2030, "Time", "15:04"))
	cases := []struct {
		m    Msg
		l    *Lang
		want string
	}{
		{M("errors.forbidden"), en, "you are not allowed to do that"},
		{M("errors.forbidden"), de, "das darfst du nicht"},
		{M("errors.categories.too_long", "Max", 80, "Length", 81), de, "darf höchstens 80 Zeichen lang sein (es sind 81)"},
		{nested, en, "You are silenced until 4 January 2030 15:04 UTC."},
		{nested, de, "Du bist bis 4. Januar 2030, 15:04 UTC stummgeschaltet."},
		{N("errors.duration.minutes", 1), en, "1 minute"},
		{N("errors.duration.minutes", 15), de, "15 Minuten"},
		{M("errors.forbidden"), nil, "you are not allowed to do that"}, // nil: English
	}
	for i, tc := range cases {
		if got := tc.m.In(tc.l); got != tc.want {
			t.Errorf("case %d: %q", i, got)
			t.Errorf("        want %q", tc.want)
		}
	}
	// In writes a nested Msg without changing the one it was given.
	if _, ok := nested.Args[1].(Msg); !ok {
		t.Errorf("In changed its Msg's arguments: %#v", nested.Args[1])
	}
}

func TestMsgError(t *testing.T) {
	sentinel := Error("errors.forbidden")
	if sentinel.Error() != "you are not allowed to do that" {
		t.Errorf("Error() = %q, want the English text", sentinel.Error())
	}
	wrapped := Wrap(sentinel, "errors.applications.not_waiting")
	if !errors.Is(wrapped, sentinel) || wrapped.Error() != "conflict: this application was already decided" {
		t.Errorf("Wrap: Is %v, text %q", errors.Is(wrapped, sentinel), wrapped.Error())
	}
	if errors.Is(Error("errors.forbidden"), sentinel) {
		t.Error("two Error values with one id are the same error; sentinels must be distinct")
	}
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		err  error
		ok   bool
		want string // ErrorIn in German
	}{
		{sentinel, true, "das darfst du nicht"},
		{fmt.Errorf("%w", sentinel), true, "das darfst du nicht"},                                       // wrapping adds no words: still the message
		{fmt.Errorf("load member: %w", sentinel), false, "load member: you are not allowed to do that"}, // words of its own: as it is
		{errors.New("plain"), false, "plain"},
	}
	for i, tc := range cases {
		if _, ok := MsgOf(tc.err); ok != tc.ok {
			t.Errorf("case %d: MsgOf ok = %v, want %v", i, ok, tc.ok)
		}
		if got := ErrorIn(tc.err, c.Get("de")); got != tc.want {
			t.Errorf("case %d: ErrorIn = %q, want %q", i, got, tc.want)
		}
	}
	if English().Code != Default {
		t.Errorf("English() is %s", English().Code)
	}
}
