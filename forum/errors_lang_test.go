package forum

import (
	"testing"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// TestMessagesInGerman: the domain layer's messages keep their English
// text (Fields, Error) and are written in another language on demand,
// whole sentences included (a sanction's until-and-why, a slow mode's
// interval in words).
func TestMessagesInGerman(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	de := c.Get("de")
	v := validation{}
	v.add("title", "errors.common.must_not_empty")
	v.add("title", "errors.categories.too_short", "Min", 3) // the first message for a field stays
	v.add("display_name", "errors.categories.too_long", "Max", 80, "Length", 81)
	ve := v.err().(*ValidationError)
	if ve.Fields["title"] != "must not be empty" || ve.Error() != "display_name: must be at most 80 characters (it has 81); title: must not be empty" {
		t.Errorf("English: %q / %q", ve.Fields, ve.Error())
	}
	if got := ve.In(de); got["title"] != "darf nicht leer sein" || got["display_name"] != "darf höchstens 80 Zeichen lang sein (es sind 81)" {
		t.Errorf("German: %q", got)
	}
	// A ValidationError made from raw Fields (older code, tests) keeps its
	// text in every language, and With adds a translated field to it.
	raw := (&ValidationError{Fields: map[string]string{"q": "too odd"}}).With("to", "errors.search.end_before_start")
	if got := raw.In(de); got["q"] != "too odd" || got["to"] != "das Enddatum liegt vor dem Startdatum" {
		t.Errorf("With: %q", got)
	}
	until := time.Date(2030, 1, 4, 15, 4, 0, 0, time.UTC)
	cases := []struct {
		m      i18n.Msg
		en, de string
	}{
		{sanctionMessage(models.SanctionSilence, &models.Sanction{EndsAt: &until, Reason: "spam"}),
			"You are silenced until 4 January 2030 15:04 UTC. Reason: spam.",
			"Du bist bis 4. Januar 2030, 15:04 UTC stummgeschaltet. Grund: spam."},
		{sanctionMessage(models.SanctionSuspend, &models.Sanction{}),
			"Your account is suspended until further notice.",
			"Dein Konto ist bis auf Weiteres gesperrt."},
		{slowModeEveryMsg(5400), "1 hour 30 minutes", "1 Stunde 30 Minuten"},
		{slowModeEveryMsg(0), "0 seconds", "0 Sekunden"},
		{waitWords(90 * time.Second), "2 minutes", "2 Minuten"},
		{shortTime(until), "4 Jan 2030 15:04 UTC", "4. Jan. 2030, 15:04 UTC"},
	}
	for i, tc := range cases {
		if got := tc.m.String(); got != tc.en {
			t.Errorf("case %d English: %q, want %q", i, got, tc.en)
		}
		if got := tc.m.In(de); got != tc.de {
			t.Errorf("case %d German: %q, want %q", i, got, tc.de)
		}
	}
	// The slow-mode words match SlowModeEvery, which the thread page shows.
	for _, secs := range []int{0, 1, 59, 60, 61, 3600, 5400, 86399} {
		if a, b := slowModeEveryMsg(secs).String(), SlowModeEvery(secs); a != b {
			t.Errorf("%d s: message %q, page %q", secs, a, b)
		}
	}
}
