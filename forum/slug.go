package forum

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/hearth/hearth/models"
)

// transliterations spell the Latin letters that Unicode decomposition
// leaves whole (NFKD turns é into e + accent, but ß, æ or ø stay one
// letter) the way their languages write them without the letter.
var transliterations = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
	'þ': "th", 'Þ': "th", 'ł': "l", 'Ł': "l", 'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// Slugify makes a URL-friendly ASCII slug of at most max bytes from a title:
// lower-case letters and digits, accents dropped (Café crème → cafe-creme),
// a few letters spelled out (Straße → strasse), and every run of anything
// else (spaces, punctuation, emoji, other scripts) one dash, never leading,
// trailing or doubled. It may be empty: nothing in the title was kept.
func Slugify(title string, max int) string {
	var b strings.Builder
	dash := false
	add := func(s string) {
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteString(s)
	}
	for _, r := range norm.NFKD.String(title) {
		if b.Len() >= max {
			break
		}
		switch t, ok := transliterations[r]; {
		case unicode.Is(unicode.Mn, r):
			continue
		case ok:
			add(t)
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			add(string(unicode.ToLower(r)))
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > max {
		out = strings.TrimRight(out[:max], "-")
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// maxSlugTries bounds the suffixes tried for a name-made category slug.
const maxSlugTries = 100

// freeCategorySlug picks the slug of a category whose creator gave only a
// name: Slugify(name) when it is free, else that with -2, -3… (General →
// general-2); a name with nothing Slugify keeps (日本語, 🔥) gets
// category-1, category-2…, the first free. Free means no category has it,
// it is not reserved, and no member has it as a username (categories and
// members share WebFinger's namespace). Run it in the creating transaction.
func (s *Service) freeCategorySlug(ctx context.Context, name string) (string, error) {
	base := Slugify(name, 50)
	candidate := func(i int) string {
		switch {
		case base == "":
			return "category-" + itoa(i)
		case i == 1:
			return base
		}
		suffix := "-" + itoa(i)
		return strings.TrimRight(base[:min(len(base), 50-len(suffix))], "-") + suffix
	}
	for i := 1; i <= maxSlugTries; i++ {
		slug := candidate(i)
		taken, err := s.categorySlugTaken(ctx, slug)
		if err != nil {
			return "", err
		}
		if !taken {
			return slug, nil
		}
	}
	return "", invalid("slug", "errors.slug.no_free_address_made")
}

// categorySlugTaken reports whether slug is reserved or used by a category
// or a member.
func (s *Service) categorySlugTaken(ctx context.Context, slug string) (bool, error) {
	if reservedNames[slug] {
		return true, nil
	}
	if _, err := s.store.CategoryBySlug(ctx, slug); err == nil {
		return true, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return false, err
	}
	if _, err := s.store.UserByUsername(ctx, slug); err == nil {
		return true, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return false, err
	}
	owner, err := s.store.OldSlugOwner(ctx, slug)
	return owner != 0, err
}
