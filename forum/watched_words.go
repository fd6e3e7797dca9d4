package forum

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hearth/hearth/forum/watched"
	"github.com/hearth/hearth/models"
)

// Watched words: staff's list of words and patterns that block a post,
// hold it for approval or replace text, for local and remote posts alike.
// The list is compiled once per process and kept with the version it was
// built from; every check reads the version (one primary-key probe) and
// rebuilds when another process (or this one) changed the list.

// TargetWatchedWord is the audit target type for watched words.
const TargetWatchedWord = "watched_word"

// wordCache is the process's compiled list. It is a cache keyed on the
// database's version, never the source of truth.
type wordCache struct {
	mu      sync.Mutex
	version int64
	m       *watched.Matcher
}

// wordsVersionKey carries a watched-words version the caller has just read
// with other things in one statement (inbound replies: see
// replyFromRemote), so the checks of that one post do not read it again.
type wordsVersionKey struct{}

func withWordsVersion(ctx context.Context, v int64) context.Context {
	return context.WithValue(ctx, wordsVersionKey{}, v)
}

// wordMatcher returns the compiled list for the database's current version.
func (s *Service) wordMatcher(ctx context.Context) (*watched.Matcher, error) {
	v, ok := ctx.Value(wordsVersionKey{}).(int64)
	if !ok {
		var err error
		if v, err = s.store.ContentVersion(ctx, models.WatchedWordsVersion); err != nil {
			return nil, err
		}
	}
	c := s.words
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && c.version == v {
		return c.m, nil
	}
	rows, err := s.store.WatchedWords(ctx)
	if err != nil {
		return nil, err
	}
	entries := make([]watched.Entry, len(rows))
	for i, r := range rows {
		entries[i] = watched.Entry{ID: r.ID, Pattern: r.Pattern, Regex: r.Regex, Action: r.Action, Replacement: r.Replacement}
	}
	// A row that no longer compiles (it validated when added) is skipped
	// rather than switching the whole list off.
	m, _ := watched.Compile(entries)
	c.m, c.version = m, v
	return m, nil
}

// WatchedWordInput is what staff submit to watch a word.
type WatchedWordInput struct {
	Pattern     string
	Regex       bool
	Action      string
	Replacement string
}

// WatchedWords lists the watched words for staff.
func (s *Service) WatchedWords(ctx context.Context, actor *models.User) ([]models.WatchedWord, error) {
	if err := s.checkWordsAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.WatchedWords(ctx)
}

// AddWatchedWord adds a pattern; audited.
func (s *Service) AddWatchedWord(ctx context.Context, actor *models.User, in WatchedWordInput) (*models.WatchedWord, error) {
	if err := s.checkWordsAdmin(actor); err != nil {
		return nil, err
	}
	in.Pattern = strings.TrimSpace(in.Pattern)
	in.Action = strings.ToLower(strings.TrimSpace(in.Action))
	v := validation{}
	if msg := watched.ValidateMsg(in.Pattern, in.Regex); !msg.IsZero() {
		v.addMsg("pattern", msg)
	}
	switch in.Action {
	case watched.Block, watched.Hold:
		in.Replacement = ""
	case watched.Replace:
		checkText(v, "replacement", in.Replacement, 0, 200)
	default:
		v.add("action", "errors.watched_words.action_must_block_hold")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	w := &models.WatchedWord{Pattern: in.Pattern, Regex: in.Regex, Action: in.Action, Replacement: in.Replacement, CreatedBy: actor.ID}
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		w.CreatedAt = now
		if err := s.store.CreateWatchedWord(ctx, w); err != nil {
			return err
		}
		return s.record(ctx, actor, "watched_word.add", TargetWatchedWord, w.ID, "",
			map[string]any{"pattern": w.Pattern, "regex": w.Regex, "action": w.Action, "replacement": w.Replacement}, now)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// RemoveWatchedWord deletes a pattern; the audit entry keeps what it was.
func (s *Service) RemoveWatchedWord(ctx context.Context, actor *models.User, id int64) error {
	if err := s.checkWordsAdmin(actor); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		w, err := s.store.WatchedWordByID(ctx, id)
		if err != nil {
			return mapNotFound(err)
		}
		if err := s.record(ctx, actor, "watched_word.remove", TargetWatchedWord, w.ID, "",
			map[string]any{"pattern": w.Pattern, "regex": w.Regex, "action": w.Action}, s.now()); err != nil {
			return err
		}
		return s.store.DeleteWatchedWord(ctx, w.ID)
	})
}

func (s *Service) checkWordsAdmin(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanManageWatchedWords(actor) {
		return ErrForbidden
	}
	return nil
}

// wordCheck is what watched words made of one text: the text after
// replacements and why it must wait for approval ("" when it need not).
type wordCheck struct {
	text, hold string
}

// checkWords applies the watched words to one field's text: a block is a
// validation error on that field naming the word, a hold is reported, and
// replacements are made.
func (s *Service) checkWords(ctx context.Context, field, text string) (wordCheck, error) {
	out := wordCheck{text: text}
	m, err := s.wordMatcher(ctx)
	if err != nil || m.Len() == 0 {
		return out, err
	}
	hits := m.Hits(text)
	if w := watched.Worst(hits); w != nil {
		word := text[w.Start:w.End]
		if w.Entry.Action == watched.Block {
			return out, invalid(field, "errors.watched_words.blocked_word", "Word", strconv.Quote(word))
		}
		out.hold = fmt.Sprintf("watched word %q", word)
	}
	out.text = watched.Apply(text, hits)
	return out, nil
}
