package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// Category-scoped roles. A moderator or ambassador whose RoleScoped is set
// holds the role only in the categories of RoleCategoryIDs. These rules are
// the category-aware half of permissions.go: every thread and queue tool
// asks CanModerateCategory with the category it acts in.

// CanModerateCategory: site moderators and administrators everywhere; a
// category moderator only in their categories.
func CanModerateCategory(actor *models.User, categoryID int64) bool {
	if actor == nil {
		return false
	}
	if actor.IsStaff() {
		return true
	}
	return actor.Role == models.RoleModerator && actor.RoleScoped && containsID(actor.RoleCategoryIDs, categoryID)
}

// CanUseModTools: the /mod page is for anyone who moderates somewhere; what
// it lists is narrowed to the categories they moderate.
func CanUseModTools(actor *models.User) bool {
	if actor == nil {
		return false
	}
	return actor.IsStaff() || (actor.Role == models.RoleModerator && actor.RoleScoped && len(actor.RoleCategoryIDs) > 0)
}

// CanLockThread: moderators of the thread's category.
func CanLockThread(actor *models.User, t *models.Thread) bool {
	return t != nil && CanModerateCategory(actor, t.CategoryID)
}

// CanPinThread: moderators of the category pin in it; pinning on the home
// page for everyone (global) is for site staff.
func CanPinThread(actor *models.User, t *models.Thread, global bool) bool {
	if global {
		return t != nil && CanModerate(actor)
	}
	return CanLockThread(actor, t)
}

// CanMoveThread: moving takes a thread out of one category and into
// another, so the actor needs rights in both.
func CanMoveThread(actor *models.User, t *models.Thread, toCategoryID int64) bool {
	return t != nil && CanModerateCategory(actor, t.CategoryID) && CanModerateCategory(actor, toCategoryID)
}

// CanMergeThreads: rights in both threads' categories.
func CanMergeThreads(actor *models.User, from, into *models.Thread) bool {
	return from != nil && into != nil && CanModerateCategory(actor, from.CategoryID) && CanModerateCategory(actor, into.CategoryID)
}

// CanSetSlowMode: moderators of the thread's category.
func CanSetSlowMode(actor *models.User, t *models.Thread) bool { return CanLockThread(actor, t) }

// CanResolveQueueItem: a flag item is resolved by moderators of its post's
// category; an appeal (categoryID 0, it is about a member) by site staff.
func CanResolveQueueItem(actor *models.User, categoryID int64) bool {
	if categoryID == 0 {
		return CanModerate(actor)
	}
	return CanModerateCategory(actor, categoryID)
}

// CanHidePost: moderators of the post's category hide and unhide it.
func CanHidePost(actor *models.User, categoryID int64) bool {
	return CanModerateCategory(actor, categoryID)
}

// CanEditPostIn is CanEditPost knowing the post's category: category
// moderators edit and delete posts in their categories.
func CanEditPostIn(actor *models.User, p *models.Post, categoryID int64) bool {
	if CanEditPost(actor, p) {
		return true
	}
	return actor != nil && p != nil && p.DeletedAt == nil && CanModerateCategory(actor, categoryID)
}

// CanWarn: a moderator of the category the post is in (or site staff, for a
// warning about no post) warns members below them.
func CanWarn(actor, target *models.User, categoryID int64) bool {
	if actor == nil || target == nil || actor.ID == target.ID || !outranks(actor, target) {
		return false
	}
	if categoryID == 0 {
		return CanModerate(actor)
	}
	return CanModerateCategory(actor, categoryID)
}

// CanClaimQueueItem: whoever may resolve an item may claim it.
func CanClaimQueueItem(actor *models.User, categoryID int64) bool {
	return CanResolveQueueItem(actor, categoryID)
}

// CanReadMemberRecord: the member record gathers flags, sanctions and
// notes from every category, so it is for site staff.
func CanReadMemberRecord(actor *models.User) bool { return CanModerate(actor) }

// IsAmbassadorIn: an ambassador for the whole site, or for this category.
func IsAmbassadorIn(actor *models.User, categoryID int64) bool {
	if actor == nil || actor.Role != models.RoleAmbassador {
		return false
	}
	return !actor.RoleScoped || containsID(actor.RoleCategoryIDs, categoryID)
}

// CanEditThreadMeta: the title and tags of a thread are edited by its
// author, by ambassadors (of its category) and by its moderators.
func CanEditThreadMeta(actor *models.User, t *models.Thread) bool {
	if actor == nil || t == nil || t.DeletedAt != nil {
		return false
	}
	return actor.ID == t.UserID || IsAmbassadorIn(actor, t.CategoryID) || CanModerateCategory(actor, t.CategoryID)
}

// FlagWeightIn: ambassadors' flags weigh double in the categories they
// serve.
func FlagWeightIn(actor *models.User, categoryID int64) int {
	if IsAmbassadorIn(actor, categoryID) {
		return 2
	}
	return 1
}

// roleRank orders roles for "cannot act above their role". A category
// moderator ranks with site moderators: neither acts on the other.
func roleRank(u *models.User) int {
	switch u.Role {
	case models.RoleAdmin:
		return 3
	case models.RoleModerator:
		return 2
	}
	return 1
}

// outranks: the actor's role is strictly above the target's; an
// administrator may act on anyone (other administrators included).
func outranks(actor, target *models.User) bool {
	return actor.Role == models.RoleAdmin || roleRank(actor) > roleRank(target)
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// LoadScope fills a scoped actor's role categories from the database. The
// session and token lookups call it, and so does every moderation entry
// point (so a caller that built the actor some other way still gets the
// right answer).
func (s *Service) LoadScope(ctx context.Context, actor *models.User) error {
	if actor == nil || !actor.RoleScoped || actor.RoleCategoryIDs != nil {
		return nil
	}
	ids, err := s.store.RoleCategoryIDs(ctx, actor.ID)
	if err != nil {
		return err
	}
	actor.RoleCategoryIDs = ids
	return nil
}

// CanManageAmbassadors: administrators appoint ambassadors and read the
// candidates ranking.
func CanManageAmbassadors(actor *models.User) bool { return CanAdminister(actor) }

// CanReadAmbassadorReport: site staff see what each ambassador did.
func CanReadAmbassadorReport(actor *models.User) bool { return CanModerate(actor) }
