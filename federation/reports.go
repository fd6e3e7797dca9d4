package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Reports between servers travel as Flag activities, the shape Mastodon
// and GoToSocial use: the actor is the reporting server's instance actor
// (so the person who reported stays anonymous), object is the reported
// account followed by the reported posts, content the comment. Lemmy's
// come from the reporting person, with the reason in summary; NodeBB's
// and Mbin's from the person too.

// maxFlagObjects bounds the posts one Flag may report.
const maxFlagObjects = 50

// onFlag files a remote server's report about posts here in the review
// queue. Reports that name no post of this forum (an account only) have
// nothing to put in the queue and are dropped.
func (f *Federation) onFlag(ctx context.Context, act *activity, body []byte, signer string) error {
	if err := signedByActor(act, signer); err != nil {
		return err
	}
	var flag struct {
		Content string `json:"content"`
		Summary string `json:"summary"`
	}
	if err := json.Unmarshal(body, &flag); err != nil {
		return fmt.Errorf("%w: %v", errIgnore, err)
	}
	if strings.TrimSpace(flag.Content) == "" {
		// Lemmy and its kin put the reason in summary and leave content
		// out (lemmy: crates/apub/activities/src/community/report.rs).
		flag.Content = flag.Summary
	}
	var objects []json.RawMessage
	if json.Unmarshal(act.Object, &objects) != nil {
		objects = []json.RawMessage{act.Object}
	}
	var posts []int64
	for i, raw := range objects {
		if i == maxFlagObjects {
			break
		}
		rest, ok := strings.CutPrefix(stripFragment(idOf(raw)), f.base+"/p/")
		if !ok {
			continue
		}
		if id, err := strconv.ParseInt(rest, 10, 64); err == nil && id > 0 {
			posts = append(posts, id)
		}
	}
	if len(posts) == 0 {
		f.log.Info("inbox: report names no post here", "activity", act.ID)
		return nil
	}
	reporter, err := f.remoteActor(ctx, act.Actor, false)
	if err != nil {
		return err
	}
	user, err := f.svc.RemoteUser(ctx, reporter)
	if err != nil {
		return err
	}
	return refusedIsDone(f.svc.ReportFromRemote(ctx, user, posts, flag.Content))
}

// ReportForwarded queues a Flag from the instance actor to the reported
// author's server (its shared inbox when it has one).
func (o outbox) ReportForwarded(ctx context.Context, r forum.ForwardedReport) error {
	f := o.f
	remote, err := f.store.RemoteActorByAPID(ctx, r.ActorID)
	if errors.Is(err, models.ErrNotFound) {
		return nil // never fetched: nowhere known to send it
	} else if err != nil {
		return err
	}
	ref := f.instanceRef()
	flag := map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       ref.url + "#reports/" + strconv.FormatInt(r.ItemID, 10),
		"type":     "Flag",
		"actor":    ref.url,
		"content":  r.Comment,
		"object":   []any{r.ActorID, r.ObjectID},
	}
	return f.enqueue(ctx, ref, flag, []string{remote.DeliveryInbox()})
}

// compile-time check: the outbox federates moderation too.
var _ forum.ModerationHooks = outbox{}
