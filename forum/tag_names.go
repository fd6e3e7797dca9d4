package forum

import "unicode"

// tagMaxRunes is the longest tag or hashtag, in characters.
const tagMaxRunes = 30

// tagName checks a tag or hashtag: 1 to tagMaxRunes characters, each a
// letter, a digit (any script's: Unicode L and N), '_' or '-'.
//
// It was the regexp ^[\p{L}\p{N}_-]{1,30}$, compiled at package init: the
// bounded repetition copies the two Unicode classes thirty times, and the
// compiled program was 636 KB of every process's live heap (1.2 MB
// allocated at start) for a check that runs when a thread is posted.
// TestTagNameMatchesThePattern keeps the two equal.
type tagName struct{}

// MatchString reports whether s is a valid tag.
func (tagName) MatchString(s string) bool {
	n := 0
	for _, r := range s { // invalid UTF-8 reads as U+FFFD, not a letter
		n++
		if n > tagMaxRunes || !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == '_' || r == '-') {
			return false
		}
	}
	return n > 0
}
