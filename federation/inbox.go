package federation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// maxInboxBody is the largest activity accepted; real ones are a few KB.
const maxInboxBody = 1 << 20

// activity is the envelope of an inbound activity: what routing and
// checks need. The full JSON stays in the inbox row for processing.
type activity struct {
	ID     string
	Type   string
	Actor  string
	Object json.RawMessage
	// Raw is the whole activity as received, which the category's Group
	// relays once it is accepted (groups.go).
	Raw []byte
}

// parseActivity reads an activity's envelope. actor may be an id or an
// embedded actor; the type may be a one-element array. It never trusts
// the content beyond its shape: the signature check decides who sent it.
func parseActivity(body []byte) (*activity, error) {
	var raw struct {
		ID     string          `json:"id"`
		Type   json.RawMessage `json:"type"`
		Actor  json.RawMessage `json:"actor"`
		Object json.RawMessage `json:"object"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("activity: %w", err)
	}
	a := &activity{ID: raw.ID, Type: firstString(raw.Type), Actor: idOf(raw.Actor), Object: raw.Object, Raw: body}
	for _, s := range []string{a.ID, a.Actor} {
		if u, err := url.Parse(s); s == "" || err != nil || u.Host == "" {
			return nil, errors.New("activity needs an absolute id and actor")
		}
	}
	if a.Type == "" {
		return nil, errors.New("activity has no type")
	}
	return a, nil
}

// idOf is the id of a property that is either a link or an object.
func idOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.ID
	}
	return ""
}

// firstString reads a string or the first string of an array.
func firstString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var ss []string
	if json.Unmarshal(raw, &ss) == nil && len(ss) > 0 {
		return ss[0]
	}
	return ""
}

func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// inbox answers POSTs to an actor's inbox (owner resolves it from the
// route) or to the shared inbox (owner nil). It verifies, stores and
// answers 202; workers do the rest, so a peer never waits on processing
// and a burst only grows the table. A body not declared as an activity is
// refused first, with 415, before any lookup or signature check.
func (f *Federation) inbox(owner func(echo.Context) (actorRef, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !isActivityMediaType(r.Header.Get(echo.HeaderContentType)) {
			f.log.Info("inbox: refused media type", "path", r.URL.Path, "content_type", r.Header.Get(echo.HeaderContentType))
			return unsupportedMediaType(c)
		}
		if owner != nil {
			if _, err := owner(c); errors.Is(err, forum.ErrNotFound) {
				return notFound(c)
			} else if err != nil {
				return f.serverError(c, err)
			}
		}
		if r.ContentLength > maxInboxBody {
			return writeError(c, http.StatusRequestEntityTooLarge, "too_large", "activities are limited to 1 MB")
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxInboxBody+1))
		if err != nil {
			return writeError(c, http.StatusBadRequest, "bad_request", "could not read the body")
		}
		if len(body) > maxInboxBody {
			return writeError(c, http.StatusRequestEntityTooLarge, "too_large", "activities are limited to 1 MB")
		}
		signer, err := f.verifyRequest(r.Context(), r, body)
		if err != nil {
			if stored, gerr := f.goneDelete(c, body); gerr != nil {
				return f.serverError(c, gerr)
			} else if stored {
				return c.NoContent(http.StatusAccepted)
			}
			f.log.Info("inbox: refused signature", "path", r.URL.Path, "error", err)
			return writeError(c, http.StatusUnauthorized, "unauthorized", "a valid HTTP signature is required")
		}
		act, err := parseActivity(body)
		if err != nil {
			return writeError(c, http.StatusBadRequest, "bad_request", err.Error())
		}
		// Only a server speaks for its own actors and activities: a valid
		// signature from one host cannot carry another host's activity.
		signerHost := hostOf(signer.APID)
		if hostOf(act.Actor) != signerHost || hostOf(act.ID) != signerHost {
			f.log.Info("inbox: signer is not the actor", "signer", signer.APID, "actor", act.Actor, "id", act.ID)
			return writeError(c, http.StatusUnauthorized, "unauthorized", "the signer does not speak for this actor")
		}
		if refused, err := f.svc.InboundRefused(r.Context(), signerHost, signer.APID, act.Actor); err != nil {
			return f.serverError(c, err)
		} else if refused {
			if err := f.rejectBlockedFollow(r.Context(), act, signer); err != nil {
				return f.serverError(c, err)
			}
			return writeError(c, http.StatusForbidden, "forbidden", "this server does not accept activity from you or your instance")
		}
		if err := f.inboxWriter.storeRow(r.Context(), &models.InboxActivity{
			ActivityID: act.ID, Signer: signer.APID, Body: string(body),
		}); err != nil {
			return f.serverError(c, err)
		}
		return c.NoContent(http.StatusAccepted)
	}
}
